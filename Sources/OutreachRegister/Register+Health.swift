import Foundation
import GRDB

/// What `outreach doctor` learns of a database file without changing it.
public struct DatabaseHealth: Sendable {
    /// `PRAGMA integrity_check`: `["ok"]` when sound.
    public let integrity: [String]
    /// Migrations this program knows that the file has not had yet (a command run migrates it).
    public let pendingMigrations: [String]
    /// Migrations the file has that this program does not know (it was made by a newer version).
    public let unknownMigrations: [String]
    /// The file's permission bits.
    public let mode: Int
    public var isSound: Bool { integrity == ["ok"] && unknownMigrations.isEmpty }
}

extension Register {
    /// Every migration this program knows, in order.
    public static var migrationNames: [String] { migrator.migrations }

    /// Opens the database at `path` read-only and checks it: integrity, migrations, mode.
    /// Changes nothing (no migration, no file created).
    public static func health(path: String) throws -> DatabaseHealth {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        return try queue.read { db in
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
}
