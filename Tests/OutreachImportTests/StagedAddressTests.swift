import Foundation
import Testing
@testable import OutreachImport
import OutreachModel
import OutreachRegister

/// The staging of an import keeps an address only when it is written otherwise than its key, and
/// finds duplicates as pairs of neighbours in key order: the register must still hold each
/// address as the file wrote it, and a person named three times gives two pairs.
@Suite struct StagedAddressTests {
    @Test func anAddressWithCapitalsKeepsItsSpellingAndOneInLowerCaseKeepsItsOwn() throws {
        let register = try Register()
        let csv = "email,name,consent\nMinh.Tran@Example.COM,Trần Minh,yes\nlan@example.vn,Lan,yes\n"
        let report = try ContactImporter().importBytes(Array(csv.utf8), fileName: "a.csv", into: register)
        #expect(report.added == 2)
        let emails = try register.contacts(in: Segment("")).map(\.contact.email).sorted()
        #expect(emails == ["Minh.Tran@example.com", "lan@example.vn"], "\(emails)")
    }

    @Test func aPersonNamedThreeTimesGivesTwoPairsAndTheLastRowWins() throws {
        let register = try Register()
        let csv = "email,name,consent\nAn@example.org,First,yes\nbinh@example.vn,Bình,yes\nan@example.org,Second,yes\nAN@EXAMPLE.ORG,Third,yes\n"
        let report = try ContactImporter().importBytes(Array(csv.utf8), fileName: "d.csv", into: register)
        #expect(report.added == 2)
        #expect(report.duplicateRows.map { "\($0.email) \($0.earlier)→\($0.later)" } == ["an@example.org 2→4", "AN@example.org 4→5"],
                "\(report.duplicateRows)")
        let an = try #require(try register.contact(email: "an@example.org"))
        #expect(an.name == "Third" && an.email == "AN@example.org")
    }
}
