import Foundation
import GRDB

/// The register: the one SQLite database (WAL) that holds every contact, consent, suppression,
/// campaign and outbox row. The CLI and the daemon each open their own `Register` on the same file.
/// Everything the other rooms do with the database is a verb of this type, named in the users'
/// words; the connection itself never leaves this module.
public final class Register: Sendable {
    /// The connection pool (WAL mode: readers never block the writer), or a queue in memory.
    let dbWriter: any DatabaseWriter

    /// Opens (and migrates) the register at `path`, creating its folder if needed.
    /// `pageCacheKiB` bounds each connection's page cache (SQLite's default is 2,000 KiB): the
    /// daemon's transactions touch a handful of pages each, and its memory is a feature.
    public init(path: String, pageCacheKiB: Int? = nil) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        // The database files are 0600 (DESIGN.md): SQLite gives its -wal and -shm files the
        // main file's mode, so the main file is created with it before SQLite opens it.
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let pageCacheKiB { try db.execute(sql: "PRAGMA cache_size = -\(pageCacheKiB)") }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Register.migrator.migrate(pool)
        self.dbWriter = pool
    }

    /// An in-memory register, for tests of the library.
    public init() throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        try Register.migrator.migrate(queue)
        self.dbWriter = queue
    }

    /// The database file (nil in memory).
    public var path: String? { (dbWriter as? DatabasePool)?.path }

    /// Whether the database answers (the daemon's liveness check).
    public func ping() async throws {
        _ = try await dbWriter.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
