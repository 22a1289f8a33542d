import AsyncAlgorithms
import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle

/// Copies the write-ahead log back into the database file in the background, for the daemon.
///
/// By default SQLite checkpoints inside whichever commit takes the log past 1,000 pages, and that
/// commit then waits for the copy and an fsync of the database file. In the daemon that commit
/// is an unsubscribe a recipient is waiting on, or a batch of delivery outcomes: under load the
/// log passes 1,000 pages several times a second. Here a connection of its own runs a PASSIVE
/// checkpoint (it never blocks the writer or the readers) every `interval`, and the writer's own
/// threshold is raised to `fallbackPages`, a safety net for when this one falls behind.
package struct WALCheckpointer<C: Clock<Duration>>: Service {
    let register: Register
    let interval: Duration
    let clock: C
    let fallbackPages: Int
    let logger: Logger

    /// Checkpoints every `interval` of `clock` (a test clock in tests).
    package init(register: Register, clock: C, interval: Duration = .milliseconds(200), fallbackPages: Int = 20_000, logger: Logger) {
        self.register = register
        self.clock = clock
        self.interval = interval
        self.fallbackPages = fallbackPages
        self.logger = logger
    }

    package func run() async throws {
        guard let pool = register.dbWriter as? DatabasePool else { return }  // in memory: no log
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: pool.path, configuration: configuration)
        try await register.dbWriter.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(fallbackPages)")
        }
        // On the way out, whatever still writes checkpoints for itself again. (In a `defer`, so the
        // synchronous form: the async one refuses to run in a cancelled task.)
        defer { try? register.dbWriter.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 1000") } }
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            do {
                try await connection.writeWithoutTransaction { db in
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
                CheckpointMetrics.checkpoints.increment()
            } catch is CancellationError {
                break
            } catch {
                CheckpointMetrics.failures.increment()
                logger.warning("background checkpoint failed", metadata: ["error": "\(error)", "database.path": "\(pool.path)"])
            }
        }
    }
}

/// The checkpointer's metrics (a generic type cannot hold them).
enum CheckpointMetrics {
    static let checkpoints = Counter(label: "outreach_wal_checkpoints_total")
    static let failures = Counter(label: "outreach_wal_checkpoint_failures_total")
}
