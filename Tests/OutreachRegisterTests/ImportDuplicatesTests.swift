import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// An import looks for duplicates only among the rows whose address a filter of the staged
/// addresses flags (issue 28: a file without a repeated address is never sorted). The filter
/// never misses a repeated address, and the pairs found are those of a full sort.
@Suite struct ImportDuplicatesTests {
    @Test func theFilterNeverMissesAnAddressItWasGivenAndRarelyFlagsANewOne() {
        var seen = AddressesSeen()
        var flaggedNew = 0
        for i in 0..<100_000 where seen.insert("person\(i)@example.vn") { flaggedNew += 1 }
        var missed: [Int] = []
        for i in stride(from: 0, to: 100_000, by: 7) where !seen.insert("person\(i)@example.vn") { missed.append(i) }
        #expect(missed.isEmpty, "given before, yet not flagged: \(missed.prefix(5))")
        #expect(flaggedNew <= 10, "\(flaggedNew) new addresses flagged as maybe seen")
    }

    func imported(_ rows: [(Int, String, String)], into register: Register) throws -> ImportCounts {
        let contacts = try rows.map { row, email, name in try ImportedContact(row: row, address: EmailAddress(email), name: name, consentGiven: true) }
        return try register.importContacts(contacts, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: rows.count,
                                                                    duplicates: 0, rejected: 0, startedAt: "now"),
                                           actor: "test", dryRun: false)
    }

    @Test func duplicatesAnywhereInTheFileArePairedInKeyOrderAndTheLastRowWins() throws {
        let register = try Register()
        let counts = try imported([(2, "binh@example.vn", "Bình 2"), (3, "an@example.vn", "An 3"), (4, "chi@example.vn", "Chi 4"),
                                   (5, "AN@example.vn", "An 5"), (7, "an@example.vn", "An 7"), (9, "Binh@Example.vn", "Bình 9")],
                                  into: register)
        #expect(counts.duplicates.map { "\($0.email) \($0.earlier)→\($0.later)" } == ["AN@example.vn 3→5", "an@example.vn 5→7", "Binh@example.vn 2→9"])
        #expect(counts.added == 3)
        let people = try register.contacts(in: Segment("")).map { "\($0.contact.email) \($0.contact.name)" }
        #expect(people.sorted() == ["Binh@example.vn Bình 9", "an@example.vn An 7", "chi@example.vn Chi 4"])
    }

    @Test func aFileWithoutRepeatsAddsEveryoneInFileOrder() throws {
        let register = try Register()
        let counts = try imported([(2, "zoe@example.vn", "Z"), (3, "an@example.vn", "A"), (4, "minh@example.vn", "M")], into: register)
        #expect(counts.duplicates.isEmpty && counts.added == 3)
        let ids = try ["zoe@example.vn", "an@example.vn", "minh@example.vn"].map { try #require(try register.contact(email: $0)).id! }
        #expect(ids == ids.sorted(), "ids follow the file: \(ids)")
    }
}
