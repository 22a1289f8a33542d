import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// What a bounce does to the register: the mailbox's policy (hard, soft, policy, complaint,
/// unsubscribe), recorded once per mailbox message, with the read mark moving in the same
/// transaction.
@Suite struct BounceTests {
    let register: Register
    let t0: Int64 = 1_800_000_000_000
    let mailbox = "imaps://mail.example.org/INBOX"

    init() throws {
        register = try Register()
        let rows = try (1...3).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 3,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
    }

    var p1: Contact { try! register.contact(email: "p1@example.org")! }

    /// A campaign launched and sent to everyone at `t0 + n` seconds; returns its id.
    func sent(_ n: Int) throws -> Int64 {
        let slug = "c\(n)"
        let c = try register.insert(Campaign(slug: slug, templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                             eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        let at = t0 + Int64(n) * 1000
        try register.launch(slug, now: Date(timeIntervalSince1970: Double(at) / 1000))
        let claims = try register.record([], thenClaim: 10, campaignIDs: [c.id!], nowMs: at, leaseMs: 60_000)
        _ = try register.record(claims.map { ($0, .sent(messageID: "<\(slug).\($0.contactID)@cantho.gov.vn>", code: 250, reply: "ok", relay: nil)) },
                                thenClaim: 0, campaignIDs: [], nowMs: at, leaseMs: 60_000)
        return c.id!
    }

    func bounce(_ kind: Bounce.Kind, campaign: Int64, status: String? = nil, uid: UInt32) throws -> Bounce {
        try register.record([Bounce(source: .mailbox, kind: kind, status: status, diagnostic: "550 \(status ?? "") test",
                                    contactId: p1.id, campaignId: campaign, matchedBy: "token")],
                            mailbox: mailbox, uidValidity: 7, uid: uid)[0]
    }

    func suppression(_ email: String = "p1@example.org") throws -> String? {
        try register.profile(email: email).suppressionReason
    }

    @Test func aHardBounceSuppressesAtOnceAndAMessageIsRecordedOnlyOnce() throws {
        let c = try sent(1)
        let first = try bounce(.hard, campaign: c, status: "5.1.1", uid: 10)
        #expect(first.outcome == "suppressed")
        #expect(try suppression() == "hard-bounce")
        #expect(try register.mailboxMark(url: mailbox).map { [$0.uidValidity, $0.lastUID] } == [7, 10])
        // The daemon stopped before flagging it: read again, it is not recorded twice.
        let again = try bounce(.hard, campaign: c, status: "5.1.1", uid: 10)
        #expect(again.id == first.id)
        #expect(try register.bounces().count == 1)
    }

    @Test func threeSoftBouncesInTheLastFiveSendsMakeTheAddressUnreachable() throws {
        let campaigns = try (1...5).map(sent)
        #expect(try bounce(.soft, campaign: campaigns[0], status: "4.2.2", uid: 1).outcome == "counted: 1 of the last 5 sends")
        // A message delayed twice counts once.
        #expect(try bounce(.soft, campaign: campaigns[0], status: "4.4.1", uid: 2).outcome == "counted: 1 of the last 5 sends")
        #expect(try bounce(.soft, campaign: campaigns[2], status: "4.4.1", uid: 3).outcome == "counted: 2 of the last 5 sends")
        #expect(try suppression() == nil)
        let third = try bounce(.soft, campaign: campaigns[4], status: "5.2.2", uid: 4)
        #expect(third.outcome == "unreachable: suppressed after 3 of the last 5 sends")
        #expect(try suppression() == "unreachable")
    }

    @Test func softBouncesOlderThanTheLastFiveSendsNoLongerCount() throws {
        let campaigns = try (1...8).map(sent)
        _ = try bounce(.soft, campaign: campaigns[0], uid: 1)
        _ = try bounce(.soft, campaign: campaigns[1], uid: 2)
        #expect(try bounce(.soft, campaign: campaigns[7], uid: 3).outcome == "counted: 1 of the last 5 sends")
        #expect(try suppression() == nil)
    }

    @Test func aComplaintWithdrawsConsentAndSuppressesForGood() async throws {
        let c = try sent(1)
        #expect(try bounce(.complaint, campaign: c, uid: 5).outcome == "consent withdrawn, suppressed")
        let profile = try register.profile(email: "p1@example.org")
        #expect(profile.consent == "withdrawn" && profile.history.last?.source == "complaint")
        #expect(profile.suppressionReason == "complaint")
        #expect(try await register.confirmOptIn(p1, evidence: "link") == false, "a confirm link cannot lift a complaint")
    }

    @Test func aMailtoUnsubscribeIsThePersonsOwnAndTheirOptInMayLiftIt() async throws {
        let c = try sent(1)
        #expect(try bounce(.unsubscribe, campaign: c, uid: 6).outcome == "unsubscribed")
        let profile = try register.profile(email: "p1@example.org")
        #expect(profile.consent == "withdrawn" && profile.history.last?.source == "mailto" && profile.suppressionReason == "unsubscribed")
        #expect(try await register.confirmOptIn(p1, evidence: "link") == true)
    }

    @Test func policyBlocksAutoRepliesAndUnmatchedReportsChangeNothing() throws {
        let c = try sent(1)
        #expect(try bounce(.policy, campaign: c, status: "5.7.1", uid: 1).outcome == "recorded; not suppressed")
        #expect(try bounce(.autoReply, campaign: c, uid: 2).outcome == "ignored")
        _ = try register.record([Bounce(source: .mailbox, kind: .unmatched, status: "5.1.1", recipient: "p1@example.org")],
                                mailbox: mailbox, uidValidity: 7, uid: 3)
        #expect(try suppression() == nil)
        #expect(try register.bounces().map(\.kind) == ["unmatched", "auto-reply", "policy"], "newest first")
    }

    @Test func aNewUIDValidityStartsTheReadMarkOver() throws {
        let c = try sent(1)
        _ = try bounce(.policy, campaign: c, uid: 40)
        try register.recordMailboxPoll(url: mailbox, uidValidity: 7, error: nil)
        #expect(try register.mailboxMark(url: mailbox)?.lastUID == 40)
        try register.recordMailboxPoll(url: mailbox, uidValidity: 8, error: nil)
        #expect(try register.mailboxMark(url: mailbox).map { [$0.uidValidity, $0.lastUID] } == [8, 0])
        try register.recordMailboxPoll(url: mailbox, uidValidity: nil, error: "login refused")
        #expect(try register.mailboxHealth(url: mailbox)?.error == "login refused")
    }

    @Test func erasingAContactErasesItsBounces() throws {
        let c = try sent(1)
        _ = try bounce(.policy, campaign: c, uid: 1)
        _ = try register.record([Bounce(source: .mailbox, kind: .unmatched, recipient: "P1@example.org")], mailbox: mailbox, uidValidity: 7, uid: 2)
        try register.forget(email: "p1@example.org", actor: "test")
        #expect(try register.bounces().isEmpty)
    }

    @Test func aReportAboutSomeoneNoLongerRegisteredIsRecordedWithoutThem() throws {
        let c = try sent(1)
        // A test message to an outside address (contact 0), and a contact erased since.
        let outside = try register.record([Bounce(source: .mailbox, kind: .hard, status: "5.1.1", recipient: "x@example.net",
                                                  contactId: 0, campaignId: c, matchedBy: "token")],
                                          mailbox: mailbox, uidValidity: 7, uid: 1)
        #expect(outside.first?.outcome == "contact no longer registered" && outside.first?.contactId == nil)
        let p1ID = p1.id!
        try register.forget(email: "p1@example.org", actor: "test")
        let erased = try register.record([Bounce(source: .mailbox, kind: .complaint, contactId: p1ID, campaignId: c, matchedBy: "token")],
                                         mailbox: mailbox, uidValidity: 7, uid: 2)
        #expect(erased.first?.outcome == "contact no longer registered")
        #expect(try register.mailboxMark(url: mailbox)?.lastUID == 2)
    }

    @Test func theKindFollowsTheStatusAndAction() {
        #expect(Bounce.kind(status: "5.1.1", action: "failed") == .hard)
        #expect(Bounce.kind(status: "5.1.10", action: "failed") == .hard)
        #expect(Bounce.kind(status: "5.1.8", action: "failed") == .policy, "5.1.8 is about our sender")
        #expect(Bounce.kind(status: "5.7.1", action: "failed") == .policy)
        #expect(Bounce.kind(status: "4.4.1", action: "failed") == .soft)
        #expect(Bounce.kind(status: "5.1.1", action: "delayed") == .soft)
        #expect(Bounce.kind(status: "5.2.2", action: "failed") == .soft)
        #expect(Bounce.kind(status: "2.0.0", action: "delivered") == .other)
        #expect(Bounce.kind(status: nil, action: "failed") == .soft)
    }
}
