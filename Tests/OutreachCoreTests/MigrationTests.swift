import Foundation
import GRDB
import Testing
@testable import OutreachCore

/// The later migrations change how rules are written and how triggers find rows; these tests
/// hold them to the same meaning on a real SQLite file, including one created by the first
/// migrations and upgraded.
@Suite struct MigrationTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outreach-migration-\(UUID().uuidString).sqlite").path
    }

    @Test func theRewrittenChecksStillRefuseWhatTheyRefusedBefore() throws {
        let register = try Register()
        try register.writer.write { db in
            try db.execute(sql: """
                INSERT INTO contacts (id, email, email_key, address_hash, kind, created_at, updated_at)
                VALUES (1, 'a@example.org', 'a@example.org', 'h', 'partner', 'now', 'now')
                """)
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE contacts SET kind = 'stranger' WHERE id = 1")
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: """
                    INSERT INTO consents (contact_id, address_hash, status, source, actor, recorded_at)
                    VALUES (1, 'h', 'maybe', 'test', 'test', 'now')
                    """)
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "INSERT INTO suppressions (address_hash, reason, created_at) VALUES ('x', 'bored', 'now')")
            }
            // No CHECK of the first migrations is left in its `IN (...)` form.
            let schema = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table'").joined()
            for check in Register.enumeratedChecks {
                #expect(!schema.contains("CHECK (\(check.column) IN"), "\(check.table).\(check.column)")
            }
        }
    }

    @Test func aRegisterFromTheFirstMigrationsIsUpgradedWithItsSuppressionsMatchedByKey() throws {
        let path = temporaryPath()
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let address = try EmailAddress("Lan.Nguyen@Example.VN")
        do {
            // A register as the first release left it: suppression rows without `email_key`.
            let queue = try DatabaseQueue(path: path)
            try Register.migrator.migrate(queue, upTo: "campaigns-v1")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO contacts (email, email_key, address_hash, created_at, updated_at)
                    VALUES (?, ?, ?, 'then', 'then')
                    """, arguments: [address.value, address.key, address.hash])
                try db.execute(sql: """
                    INSERT INTO suppressions (address_hash, email, reason, created_at) VALUES (?, ?, 'unsubscribed', 'then')
                    """, arguments: [address.hash, address.value])
            }
        }
        let register = try Register(path: path)
        try register.writer.write { db in
            #expect(try String.fetchOne(db, sql: "SELECT email_key FROM suppressions") == address.key)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == true)
            // Lifting and adding again go through the new triggers.
            try SuppressionList.lift(db, address)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == false)
            try SuppressionList.add(db, address, reason: .complaint)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == true)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
        }
    }

    @Test func anErasedEntryStillMarksAContactWithTheSameHash() throws {
        let register = try Register()
        let address = try EmailAddress("someone@example.org")
        try register.writer.write { db in
            try db.execute(sql: """
                INSERT INTO contacts (email, email_key, address_hash, created_at, updated_at) VALUES (?, ?, ?, 'now', 'now')
                """, arguments: [address.value, address.key, address.hash])
            try SuppressionList.add(db, address, reason: .erased)  // keeps only the hash
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == true)
            try SuppressionList.lift(db, address)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == false)
        }
    }
}
