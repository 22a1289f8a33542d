import Foundation
import GRDB
import OutreachModel
@testable import OutreachRegister
import Testing

/// An address stored before today's stricter validator refuses it: the person's links still
/// work (no crash of the daemon that answers them).
@Suite struct StoredAddressTests {
    @Test func aStoredAddressTodaysValidatorRefusesStillUnsubscribes() async throws {
        let register = try Register()
        let row = try ImportedContact(row: 2, address: EmailAddress("old.style@example.org"), consentGiven: true)
        _ = try register.importContacts([row], run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 1,
                                                              duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
        // As an older release stored it: two dots in a row, which today's validator refuses.
        try await register.dbWriter.write { db in
            try db.execute(sql: "UPDATE contacts SET email = 'old..style@example.org'")
        }
        #expect(throws: (any Error).self) { try EmailAddress("old..style@example.org") }
        let contact = try #require(try await register.contact(id: 1))
        #expect(contact.address.key == contact.emailKey)
        #expect(try await register.unsubscribe([(contact.address, "test")]) == [true])
        #expect(try await register.contact(id: 1)?.suppressed == true)
    }
}
