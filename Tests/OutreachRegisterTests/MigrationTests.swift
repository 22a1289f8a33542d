import Foundation
import GRDB
import Testing
@testable import OutreachRegister
import OutreachImport
import OutreachModel

/// The later migrations change how rules are written and how triggers find rows; these tests
/// hold them to the same meaning on a real SQLite file, including one created by the first
/// migrations and upgraded.
@Suite struct MigrationTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outreach-migration-\(UUID().uuidString).sqlite").path
    }

    @Test func theRewrittenChecksStillRefuseWhatTheyRefusedBefore() throws {
        let register = try Register()
        try register.dbWriter.write { db in
            try db.execute(sql: """
                INSERT INTO contacts (id, email, email_key, kind, created_at, updated_at)
                VALUES (1, 'a@example.org', 'a@example.org', 'partner', 'now', 'now')
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

    @Test func aRegisterFromTheFirstMigrationsIsUpgradedKeepingWhoIsSuppressedAndWhatTheyConsented() throws {
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
                    INSERT INTO consents (contact_id, address_hash, status, source, actor, recorded_at)
                    VALUES (1, ?, 'withdrawn', 'link', 'recipient', 'then')
                    """, arguments: [address.hash])
                try db.execute(sql: """
                    INSERT INTO suppressions (address_hash, email, reason, created_at) VALUES (?, ?, 'unsubscribed', 'then')
                    """, arguments: [address.hash, address.value])
            }
        }
        let register = try Register(path: path)
        try register.dbWriter.write { db in
            #expect(try String.fetchOne(db, sql: "SELECT email_key FROM suppressions") == address.key)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == true)
            #expect(try String.fetchOne(db, sql: "SELECT consent_status FROM contacts") == "withdrawn")
            #expect(try Row.fetchOne(db, sql: "SELECT * FROM contacts")?.hasColumn("address_hash") == false)
            // Lifting and adding again go through the new triggers.
            try SuppressionList.lift(db, address)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == false)
            try SuppressionList.add(db, address, reason: .complaint)
            #expect(try Bool.fetchOne(db, sql: "SELECT suppressed FROM contacts") == true)
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
        }
    }

    @Test func theCurrentConsentIsAlwaysTheLatestLedgerRow() throws {
        let register = try Register()
        var importer = ContactImporter()
        _ = try importer.importBytes(Array("""
            email,name,consent
            an@example.vn,An,yes
            binh@example.vn,Bình,no
            chi@example.vn,Chi,yes
            """.utf8), fileName: "first.csv", into: register)
        try register.unsubscribe(email: "an@example.vn", source: "staff", evidence: nil, actor: "staff")
        importer.source = "second.csv"
        _ = try importer.importBytes(Array("email,consent\nbinh@example.vn,yes\nan@example.vn,yes\n".utf8),
                                     fileName: "second.csv", into: register)
        try register.dbWriter.write { db in
            let chi = try Contact.find(db, email: "chi@example.vn")!
            try ConsentLedger.record(db, contact: chi, status: .withdrawn, source: "staff", evidence: nil, actor: "staff")
        }
        let mismatches = try register.dbWriter.read { db in
            try String.fetchAll(db, sql: """
                SELECT c.email FROM contacts c
                WHERE c.consent_status IS NOT (SELECT status FROM consents WHERE contact_id = c.id ORDER BY id DESC LIMIT 1)
                """)
        }
        #expect(mismatches.isEmpty)
        let status = try register.dbWriter.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT email, consent_status FROM contacts").map {
                ($0["email"] as String, $0["consent_status"] as String)
            })
        }
        #expect(status == ["an@example.vn": "withdrawn", "binh@example.vn": "granted", "chi@example.vn": "withdrawn"])
    }
}
