import Foundation
import GRDB
import OutreachModel

/// One row of the audit log: who did what, when.
package struct AuditEntry: Codable, Sendable, Equatable {
    /// When (ISO 8601, UTC).
    package var at: String
    /// The invoking OS user (`SUDO_USER`, else `USER`).
    package var user: String
    /// The command (`campaign launch`).
    package var command: String
    /// Its arguments, secrets left out.
    package var arguments: [String]

    package init(at: String, user: String, command: String, arguments: [String]) {
        self.at = at; self.user = user; self.command = command; self.arguments = arguments
    }
}

extension Register {
    /// Appends one row to the audit log (append-only: the schema refuses updates and deletes).
    package func appendAudit(_ entry: AuditEntry) throws {
        let arguments = String(decoding: try JSONEncoder().encode(entry.arguments), as: UTF8.self)
        try dbWriter.writeWithoutTransaction { db in
            // The row is the command's footnote: while a daemon runs, its commit (synced) does not
            // take on the copy of the WAL into the database file that an import or a launch left
            // to the daemon's background checkpointer (hundreds of MB after a million rows), nor
            // does its close. Without a daemon the close checkpoints and leaves no -wal behind.
            if leaveCheckpointToTheDaemon(db) { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
            try db.inTransaction {
                try db.execute(sql: "INSERT INTO audit_log (at, user, command, arguments) VALUES (?, ?, ?, ?)",
                               arguments: [entry.at, entry.user, entry.command, arguments])
                return .commit
            }
        }
    }

    /// The same append for the daemon's HTTP side (the check-in page's walk-ins).
    package func appendAudit(entry: AuditEntry) async throws {
        let arguments = String(decoding: try JSONEncoder().encode(entry.arguments), as: UTF8.self)
        try await dbWriter.write { db in
            try db.execute(sql: "INSERT INTO audit_log (at, user, command, arguments) VALUES (?, ?, ?, ?)",
                           arguments: [entry.at, entry.user, entry.command, arguments])
        }
    }

    /// Takes an erased person's address (`contacts forget`) out of every audit row, leaving the
    /// hash the suppression list keeps (`erased:<hash>`): who did what stays, the address does not.
    package func eraseFromAudit(_ address: EmailAddress) throws {
        try dbWriter.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, arguments FROM audit_log WHERE instr(lower(arguments), lower(?)) > 0",
                                        arguments: [address.key.split(separator: "@").first.map(String.init) ?? address.key])
            for row in rows {
                let arguments = (try? JSONDecoder().decode([String].self, from: (row["arguments"] as String).data(using: .utf8) ?? Data())) ?? []
                let scrubbed = arguments.map { argument in
                    (try? EmailAddress(argument))?.key == address.key ? "erased:\(address.hash)" : argument
                }
                guard scrubbed != arguments else { continue }
                try db.execute(sql: "UPDATE audit_log SET arguments = ? WHERE id = ?",
                               arguments: [String(decoding: try JSONEncoder().encode(scrubbed), as: UTF8.self), row["id"] as Int64])
            }
        }
    }

    /// The audit log from `since` on (all when nil), oldest first.
    package func auditEntries(since: Date? = nil) async throws -> [AuditEntry] {
        try await dbWriter.read { db in
            let rows = try Row.fetchAll(db, sql: "SELECT at, user, command, arguments FROM audit_log WHERE at >= ? ORDER BY id",
                                        arguments: [since.map { Timestamp.string($0) } ?? ""])
            return rows.map { row in
                let arguments = (try? JSONDecoder().decode([String].self, from: (row["arguments"] as String).data(using: .utf8) ?? Data())) ?? []
                return AuditEntry(at: row["at"], user: row["user"], command: row["command"], arguments: arguments)
            }
        }
    }
}
