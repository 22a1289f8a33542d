import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// Suppression precedence as the register executes it: a later, stronger reason replaces the
/// person's own unsubscribe, and then an old confirm link cannot lift it (issue 22, defect 1).
@Suite struct SuppressionPrecedenceTests {
    let register: Register
    let mailbox = "imaps://mail.example.org/INBOX"

    init() throws {
        register = try Register()
        let rows = try [try ImportedContact(row: 2, address: EmailAddress("p1@example.org"), consentGiven: true)]
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 1,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
    }

    var p1: Contact { get throws { try #require(try register.contact(email: "p1@example.org")) } }

    func ownUnsubscribe() async throws {
        _ = try await register.unsubscribe([(address: try EmailAddress("p1@example.org"), evidence: "one-click")])
        #expect(try register.profile(email: "p1@example.org").suppressionReason == "unsubscribed")
    }

    func report(_ kind: Bounce.Kind, uid: UInt32) throws -> Bounce {
        try register.record([Bounce(source: .mailbox, kind: kind, status: kind == .hard ? "5.1.1" : nil, diagnostic: "550 test",
                                    contactId: try p1.id, matchedBy: "token")],
                            mailbox: mailbox, uidValidity: 1, uid: uid)[0]
    }

    @Test(arguments: [Bounce.Kind.complaint, .hard])
    func aComplaintOrHardBounceAfterTheirOwnUnsubscribeCannotBeLiftedByAnOldConfirmLink(kind: Bounce.Kind) async throws {
        try await ownUnsubscribe()
        _ = try report(kind, uid: 1)
        let profile = try register.profile(email: "p1@example.org")
        #expect(profile.suppressionReason == (kind == .complaint ? "complaint" : "hard-bounce"))
        #expect(try await register.confirmOptIn(try p1, evidence: "old confirm link") == false)
        let after = try register.profile(email: "p1@example.org")
        #expect(after.suppressed && after.consent == "withdrawn", "still suppressed, consent not granted again")
    }

    @Test func aStaffUnsubscribeReplacesTheirOwnAndAWeakerReasonLaterChangesNothing() async throws {
        try await ownUnsubscribe()
        #expect(try register.suppress(try EmailAddress("p1@example.org"), reason: .staff, detail: "by phone"))
        #expect(try register.suppress(try EmailAddress("p1@example.org"), reason: .unreachable) == false)
        _ = try await register.unsubscribe([(address: try EmailAddress("p1@example.org"), evidence: "one-click again")])
        #expect(try register.profile(email: "p1@example.org").suppressionReason == "staff")
        #expect(try await register.confirmOptIn(try p1, evidence: "link") == false)
    }

    @Test func aComplaintIsNotWeakenedByALaterHardBounce() throws {
        _ = try report(.complaint, uid: 1)
        #expect(try report(.hard, uid: 2).outcome == "already suppressed")
        #expect(try register.profile(email: "p1@example.org").suppressionReason == "complaint")
    }

    @Test func theirOwnUnsubscribeAloneIsLiftedByTheirOptIn() async throws {
        try await ownUnsubscribe()
        #expect(try await register.confirmOptIn(try p1, evidence: "link") == true)
        let profile = try register.profile(email: "p1@example.org")
        #expect(!profile.suppressed && profile.consent == "granted")
    }
}
