import Foundation
import GRDB
import Logging
import Metrics
import ServiceLifecycle

/// The delivery half of the daemon: starts scheduled campaigns on time, runs the workers, marks
/// campaigns finished, returns expired leases to the queue. On graceful shutdown (SIGTERM) the
/// workers stop claiming, finish the message in hand, commit, and release what they had claimed.
public final class DeliveryService: Service, Sendable {
    public let context: DeliveryContext
    private let lockPath: String

    public init(context: DeliveryContext) {
        self.context = context
        self.lockPath = context.settings.databasePath + ".daemon-lock"
    }

    public enum Failure: Error, CustomStringConvertible {
        case alreadyRunning(String)
        public var description: String {
            switch self { case .alreadyRunning(let path): "another outreach serve is running on this database (lock \(path))" }
        }
    }

    static let queueDepth = Gauge(label: "outreach_queue_depth")

    public func run() async throws {
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0, flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw Failure.alreadyRunning(lockPath) }
        defer { close(fd) }
        let logger = context.logger
        // We are the only daemon: whatever is still `sending` was in flight when the last one died.
        let recovered = try await context.register.writer.write { db in try Outbox.requeueLeases(db, nowMs: Timestamp.milliseconds(), all: true) }
        if recovered > 0 { logger.notice("returned rows left in flight by a previous daemon to the queue", metadata: ["outbox.rows": "\(recovered)"]) }
        try await tick()

        let count = min(context.settings.deliveryWorkers, context.settings.maxConnections)
        let group = DispatchGroup()
        for n in 1...count {
            group.enter()
            let worker = DeliveryWorker(number: n, context: context)
            let thread = Thread {
                // Bulk sending yields the CPU to the pages recipients are waiting on (a click on
                // "unsubscribe" must not queue behind a hundred thousand invitations).
                // (On Linux, PRIO_PROCESS with 0 sets the nice value of the calling thread only.)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                worker.run()
                group.leave()
            }
            thread.name = "outreach-delivery-\(n)"
            thread.start()
        }
        logger.info("delivery started", metadata: ["delivery.workers": "\(count)"])
        var ticks = 0
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            ticks += 1
            do { try await tick(depth: ticks % 8 == 0) } catch { logger.error("scheduler tick failed", metadata: ["error": "\(error)"]) }
        }
        context.stop()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { done.resume() }
        }
        try await context.register.writer.write { db in _ = try Outbox.requeueLeases(db, nowMs: Timestamp.milliseconds(), all: true) }
        logger.info("delivery stopped")
    }

    /// Starts due campaigns, finishes complete ones, requeues expired leases, refreshes the workers' list.
    func tick(depth: Bool = true) async throws {
        let now = Timestamp.milliseconds()
        let running = try await context.register.writer.write { db -> [Campaign] in
            try db.execute(sql: "UPDATE campaigns SET status = 'running' WHERE status = 'scheduled' AND scheduled_at_ms <= ?", arguments: [now])
            try Outbox.requeueLeases(db, nowMs: now)
            try db.execute(sql: """
                UPDATE campaigns SET status = 'finished', finished_at = ?
                WHERE status = 'running' AND NOT EXISTS (
                    SELECT 1 FROM outbox o WHERE o.campaign_id = campaigns.id AND o.state IN ('queued','retry','sending'))
                """, arguments: [Timestamp.string()])
            return try Campaign.filter(Column("status") == "running").fetchAll(db)
        }
        try context.setRunning(running)
        if depth {
            let n = try await context.register.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state IN ('queued','retry')") ?? 0
            }
            DeliveryService.queueDepth.record(n)
        }
    }
}
