import Foundation
import GRDB
import OutreachModel

/// What a backup copy holds: its migrations, the rows of its main tables, and whether SQLite
/// finds it sound. Read from the copy itself.
package struct BackupSummary: Codable, Sendable {
    package var migrations: [String]
    package var counts: [String: Int]
    /// `PRAGMA integrity_check`: `["ok"]` when sound.
    package var integrity: [String]
}

/// Why a backup could not be written or put back.
package struct BackupError: StaffFacingError {
    package let message: StaffMessage
}

extension Register {
    /// The tables counted in a backup's manifest.
    static let countedTables = ["contacts", "consents", "suppressions", "campaigns", "outbox", "rsvps", "audit_log"]

    /// Writes a consistent copy of the register to `path` (which must not exist) while others
    /// go on writing: `VACUUM INTO` reads one snapshot. The copy is 0600 and synced to disk.
    package func backup(to path: String) throws -> BackupSummary {
        guard !FileManager.default.fileExists(atPath: path) else { throw BackupError(message: StaffMessage("backup.exists", ["path": path])) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(message: StaffMessage("backup.file_error", ["path": path, "reason": RegisterFiles.reason(errno: errno)])) }
        close(fd)
        try dbWriter.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        try RegisterFiles.sync(path)
        return try Register.summary(of: path)
    }

    /// Opens the database file at `path` read-only: migrations, counts, integrity.
    package static func summary(of path: String) throws -> BackupSummary {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let migrations = try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            var counts: [String: Int] = [:]
            for table in countedTables where try db.tableExists(table) {
                counts[table] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
            }
            return BackupSummary(migrations: migrations, counts: counts, integrity: integrity)
        }
    }

    /// Puts the backup copy `source` in place of the database at `path`: checked first (sound,
    /// and no migration this binary does not know), then copied (0600, synced) over it, the old
    /// -wal and -shm files removed. The caller makes sure no daemon holds the database.
    package static func restore(from source: String, to path: String) throws -> BackupSummary {
        let summary = try summary(of: source)
        guard summary.integrity == ["ok"] else {
            throw BackupError(message: StaffMessage("restore.damaged", ["path": source, "problems": summary.integrity.prefix(3).joined(separator: "; ")]))
        }
        let unknown = summary.migrations.filter { !migrator.migrations.contains($0) }
        guard unknown.isEmpty else { throw NewerDatabaseError(path: source, unknownMigrations: unknown) }
        try RegisterFiles.prepare(path)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try RegisterFiles.copyPrivately(from: source, to: path)
        return summary
    }
}

extension Register {
    /// Copies a file so that `destination` is either the old file or the whole new one, mode
    /// 0600, synced (a backup's link secret and manifest, a restored secret).
    package static func copyPrivately(from source: String, to destination: String) throws {
        try RegisterFiles.copyPrivately(from: source, to: destination)
    }
}

extension RegisterFiles {
    /// fsync of one file.
    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BackupError(message: StaffMessage("backup.file_error", ["path": path, "reason": RegisterFiles.reason(errno: errno)])) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BackupError(message: StaffMessage("backup.file_error", ["path": path, "reason": RegisterFiles.reason(errno: errno)])) }
    }

    /// Copies `source` to `destination` through a private temporary file renamed into place, so
    /// the destination is either the old file or the whole new one, mode 0600, synced.
    static func copyPrivately(from source: String, to destination: String) throws {
        guard let data = FileManager.default.contents(atPath: source) else { throw BackupError(message: StaffMessage("backup.file_error", ["path": source, "reason": "?"])) }
        let temporary = destination + ".restoring"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BackupError(message: StaffMessage("backup.file_error", ["path": temporary, "reason": RegisterFiles.reason(errno: errno)])) }
        _ = fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { raw -> Bool in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 { if errno == EINTR { continue }; return false }
                done += n
            }
            return fsync(fd) == 0
        }
        close(fd)
        guard written, rename(temporary, destination) == 0 else {
            unlink(temporary)
            throw BackupError(message: StaffMessage("backup.file_error", ["path": destination, "reason": RegisterFiles.reason(errno: errno)]))
        }
        let folder = (destination as NSString).deletingLastPathComponent
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}
