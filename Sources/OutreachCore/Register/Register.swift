import Foundation
import GRDB

/// The register: the one SQLite database (WAL) that holds every contact, consent, suppression,
/// campaign and outbox row. The CLI and the daemon each open their own `Register` on the same file.
public final class Register: Sendable {
    /// The connection pool (WAL mode: readers never block the writer).
    public let writer: any DatabaseWriter

    /// Opens (and migrates) the register at `path`, creating its folder if needed.
    /// `pageCacheKiB` bounds each connection's page cache (SQLite's default is 2,000 KiB): the
    /// daemon's transactions touch a handful of pages each, and its memory is a feature.
    public init(path: String, pageCacheKiB: Int? = nil) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
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
        self.writer = pool
    }

    /// A read-only connection of its own on the same file (a delivery worker's, for the check
    /// before each send): no pool to go through. An in-memory register answers with its writer.
    public func makeReader() throws -> any DatabaseReader {
        guard let pool = writer as? DatabasePool else { return writer }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        // It reads one contact at a time: a small page cache keeps the daemon's memory flat.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -256") }
        return try DatabaseQueue(path: pool.path, configuration: configuration)
    }

    /// An in-memory register, for tests of the library.
    public init(inMemory: Void = ()) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        try Register.migrator.migrate(queue)
        self.writer = queue
    }
}
