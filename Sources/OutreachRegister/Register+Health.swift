import Foundation
import GRDB
import OutreachModel

/// What `outreach doctor` learns of a database file without changing it.
package struct DatabaseHealth: Sendable {
    /// `PRAGMA integrity_check`: `["ok"]` when sound.
    package let integrity: [String]
    /// Migrations this program knows that the file has not had yet (a command run migrates it).
    package let pendingMigrations: [String]
    /// Migrations the file has that this program does not know (it was made by a newer version).
    package let unknownMigrations: [String]
    /// The file's permission bits.
    package let mode: Int
}

extension Register {
    /// Every migration this program knows, in order.
    package static var migrationNames: [String] { migrator.migrations }

    /// Opens the database at `path` read-only and checks it: integrity, migrations, mode.
    /// Changes nothing (no migration, no file created).
    package static func health(path: String) throws -> DatabaseHealth {
        try readOnly(path).read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let applied = try db.tableExists("grdb_migrations")
                ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
            let known = migrator.migrations
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return DatabaseHealth(integrity: integrity, pendingMigrations: known.filter { !applied.contains($0) },
                                  unknownMigrations: applied.subtracting(known).sorted(),
                                  mode: (attributes[.posixPermissions] as? Int) ?? 0)
        }
    }

    /// How the daemon's last reading of the mailbox at `url` went, read from the database at
    /// `path` without changing it (nil: never read, or a database without the table yet).
    package static func mailboxHealth(path: String, url: String) throws -> (polledAt: String?, error: String?)? {
        try readOnly(path).read { db in
            guard try db.tableExists("mailboxes") else { return nil }
            return try Row.fetchOne(db, sql: "SELECT polled_at, error FROM mailboxes WHERE url = ?", arguments: [url]).map { ($0[0], $0[1]) }
        }
    }

    /// A connection that reads the database at `path` and leaves its files as they are: no
    /// migration, no chmod, and no -wal or -shm file created (SQLite's read-only mode still
    /// creates them when they are missing, owned by whoever runs the check). When neither
    /// exists no process has the database open, every commit is in the file itself, and it is
    /// read as immutable; otherwise through the files that are there.
    static func readOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let idle = !FileManager.default.fileExists(atPath: path + "-wal") && !FileManager.default.fileExists(atPath: path + "-shm")
        guard idle else { return try DatabaseQueue(path: path, configuration: configuration) }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RegisterFileError(message: StaffMessage("register.cannot_read", ["path": path, "reason": RegisterFiles.reason(errno: errno)]))
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%"))) ?? absolute
        return try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
    }
}
