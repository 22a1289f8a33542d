import CSQLite
import Foundation
import GRDB

/// The register: the one SQLite database (WAL) that holds every contact, consent, suppression,
/// campaign and outbox row. The CLI and the daemon each open their own `Register` on the same file.
/// Everything the other rooms do with the database is a verb of this type, named in the users'
/// words; the connection itself never leaves this module.
package final class Register: Sendable {
    /// The connection pool (WAL mode: readers never block the writer), or a queue in memory.
    let dbWriter: any DatabaseWriter
    /// The version of who may be mailed (see `eligibilityVersion`).
    let eligibility = EligibilityWatch()
    /// The office's time zone (`office.time_zone`): a pause ends with its day there, unless the
    /// person's own time zone is known.
    package let officeZone: TimeZone

    /// Opens (and migrates) the register at `path`, creating its folder if needed.
    /// `pageCacheKiB` bounds each connection's page cache (SQLite's default is 2,000 KiB): the
    /// daemon's transactions touch a handful of pages each, and its memory is a feature.
    /// The files are private to their owner (0600): SQLite gives the -wal and -shm files the
    /// database's own mode, so the database is created 0600 before SQLite opens it, and files
    /// left more open by an older version are closed down. A data folder (or database) this
    /// process cannot write is refused with its own error, before anything else can misreport it.
    /// `busyTimeout`: how long a write waits for another process's write before failing as busy.
    ///
    /// Durability: every commit is synced before its verb returns (`synchronous = FULL`: the
    /// WAL is fsynced at each commit), so a consent change, an RSVP or a delivery outcome that a
    /// page or the next final "." tells of survives a power loss. The cost is one fsync per
    /// transaction, which is why one-click unsubscribes (`UnsubscribeBatcher`) and delivery
    /// outcomes (`OutcomeCommitter`) are committed in groups.
    ///
    /// A database with migrations this binary does not know is refused, changed in nothing; one
    /// that lacks some is first copied next to itself (`RegisterVersion`), `announce` saying where.
    /// Opening and migrating happen under `MigrationLock` (`<path>.lock`): one process at a time.
    /// `officeZone`: `office.time_zone`, whose days pauses end with (unless the person's is known).
    package init(path: String, pageCacheKiB: Int? = nil, busyTimeout: TimeInterval = 10, officeZone: TimeZone = Register.defaultOfficeZone,
                announce: (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) throws {
        try RegisterFiles.prepare(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            if let pageCacheKiB { try db.execute(sql: "PRAGMA cache_size = -\(pageCacheKiB)") }
        }
        // Commands started together on a new or older file take turns to set it up (WAL, the
        // copy before migrating, the migrations): the others then find the schema made.
        self.dbWriter = try MigrationLock.holding(path) {
            let pool = try DatabasePool(path: path, configuration: configuration)
            try RegisterVersion.prepare(pool, path: path, announce: announce)
            // On the writer, after GRDB's own WAL setup (which sets NORMAL); readers write nothing.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try Register.migrator.migrate(pool)
            return pool
        }
        self.officeZone = officeZone
    }

    /// While `outreach serve` runs (it holds `<db>.daemon-lock`), this connection leaves copying
    /// the WAL into the database file to the daemon's background checkpointer, also when it
    /// closes. Without a daemon the close checkpoints and removes the -wal and -shm files, so none
    /// is left behind owned by whoever ran the command. Returns whether it was left to the daemon.
    @discardableResult
    func leaveCheckpointToTheDaemon(_ db: Database) -> Bool {
        guard let path, RegisterFiles.daemonRunning(path) else { return false }
        _ = outreach_sqlite_no_checkpoint_on_close(db.sqliteConnection)
        return true
    }

    /// An in-memory register, for tests of the library.
    package init(officeZone: TimeZone = Register.defaultOfficeZone) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        try Register.migrator.migrate(queue)
        self.dbWriter = queue
        self.officeZone = officeZone
    }

    /// `office.time_zone`'s default (Cần Thơ).
    package static let defaultOfficeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    /// The database file (nil in memory).
    package var path: String? { (dbWriter as? DatabasePool)?.path }

    /// Whether the database answers (the daemon's liveness check).
    package func ping() async throws {
        _ = try await dbWriter.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}

extension Register {
    /// Whether `error` says the database is busy (another process holds the write lock past the
    /// busy timeout): worth trying again in a moment, not a fault.
    package static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }
}
