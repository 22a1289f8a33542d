import Foundation
import GRDB
import OutreachModel

/// A database this binary cannot safely open: made by a newer Outreach.
package struct NewerDatabaseError: StaffFacingError {
    package let path: String
    /// The migrations the file has that this binary does not know.
    package let unknownMigrations: [String]
    package var message: StaffMessage {
        StaffMessage("database.newer", ["path": path, "migrations": unknownMigrations.joined(separator: ", ")])
    }
}

/// The versions of a database file: refused when newer than this binary, copied before it is
/// migrated (a migration cannot be undone, a copy can be put back).
enum RegisterVersion {
    /// Where the copy made before applying `migration` goes: `outreach.sqlite.before-<migration>`.
    static func copyPath(_ path: String, before migration: String) -> String { "\(path).before-\(migration)" }

    static func prepare(_ pool: DatabasePool, path: String, announce: (String) -> Void) throws {
        let applied = try pool.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        let known = Register.migrator.migrations
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw NewerDatabaseError(path: path, unknownMigrations: unknown.sorted()) }
        // A new, empty database has nothing to keep.
        guard !applied.isEmpty, let next = known.first(where: { !applied.contains($0) }) else { return }
        let copy = copyPath(path, before: next)
        let fd = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RegisterFileError(message: StaffMessage("backup.file_error", ["path": copy, "reason": RegisterFiles.reason(errno: errno)]))
        }
        _ = fchmod(fd, 0o600)
        close(fd)
        let destination = try DatabaseQueue(path: copy)
        try pool.backup(to: destination)
        try destination.close()
        announce(StaffText.say("database.kept_copy", ["path": path, "copy": copy, "migration": next]))
    }
}
