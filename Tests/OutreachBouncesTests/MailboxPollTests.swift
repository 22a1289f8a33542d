import Foundation
import Logging
@testable import OutreachBounces
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing

/// An in-process mailbox: messages by UID, `markHandled` that can fail on cue, as a server would
/// drop the connection. (The same reading against a real Dovecot is in IntegrationTests.)
final class FakeMailbox: BounceMailbox, @unchecked Sendable {
    var uidValidity: UInt32 = 41
    var messages: [UInt32: [UInt8]] = [:]
    var nextUID: UInt32 = 1
    var handled: [UInt32] = []
    var failHandling = false
    /// Messages whose fetch fails, as a server does on a message it cannot send whole.
    var unfetchable: Set<UInt32> = []

    func add(_ text: String) { messages[nextUID] = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8); nextUID += 1 }
    func open() throws -> (uidValidity: UInt32, messages: Int) { (uidValidity, messages.count) }
    func uids(after uid: UInt32) throws -> [UInt32] { messages.keys.filter { $0 > uid }.sorted() }
    func fetch(uid: UInt32, uidValidity: UInt32) throws -> [UInt8] {
        guard uidValidity == self.uidValidity else { throw MailboxError.uidValidityChanged }
        if unfetchable.contains(uid) { throw MailboxError.connection("connection dropped while fetching UID \(uid)") }
        return messages[uid]!
    }
    func markHandled(uids: [UInt32]) throws {
        if failHandling { throw MailboxError.connection("connection dropped") }
        for uid in uids { messages[uid] = nil }
        handled += uids
    }
}

@Suite struct MailboxPollTests {
    let register: Register
    let returnAddress = ReturnAddress(address: try! EmailAddress("bounces@cantho.gov.vn"), signer: LinkSigner(secrets: ["test"]))
    let mailbox = FakeMailbox()
    let campaignID: Int64
    let lan: Contact, john: Contact

    init() throws {
        register = try Register()
        let rows = try ["lan@example.vn", "john@example.com"].enumerated().map {
            try ImportedContact(row: $0.offset + 2, address: EmailAddress($0.element), consentGiven: true)
        }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 2,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
        let c = try register.insert(Campaign(slug: "tet", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                             eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        campaignID = c.id!
        try register.launch("tet", now: Date(timeIntervalSince1970: 1_800_000_000))
        let claims = try register.record([], thenClaim: 10, campaignIDs: [campaignID], nowMs: 1_800_000_000_000, leaseMs: 60_000)
        _ = try register.record(claims.map { ($0, .sent(messageID: "<m\($0.contactID)@cantho.gov.vn>", code: 250, reply: "ok", relay: nil)) },
                                thenClaim: 0, campaignIDs: [], nowMs: 1_800_000_000_000, leaseMs: 60_000)
        lan = try register.contact(email: "lan@example.vn")!
        john = try register.contact(email: "john@example.com")!
    }

    func poll(recover: Bool = false, mailbox: FakeMailbox? = nil, url: String = "imap://test/INBOX",
              fetchFailures: FetchFailures = FetchFailures()) throws -> MailboxPoll.Summary {
        let verdicts = BounceVerdicts(returnAddress: returnAddress)
        return try MailboxPoll(mailbox: mailbox ?? self.mailbox, url: url, register: register, verdicts: verdicts,
                               logger: Logger(label: "test"), fetchFailures: fetchFailures).run(recover: recover)
    }

    /// A Postfix-style report that `to` failed with `status`, sent to `envelope`.
    func report(to: String, status: String, envelope: String, messageID: String = "<other@cantho.gov.vn>", action: String = "failed") -> String {
        """
        From: MAILER-DAEMON@relay.example (Mail Delivery System)
        To: \(envelope)
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <dsn.\(UUID().uuidString)@relay.example>
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status; boundary="B"

        --B
        Content-Type: text/plain

        I'm sorry to have to inform you that your message could not be delivered.
        --B
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example

        Final-Recipient: rfc822; \(to)
        Action: \(action)
        Status: \(status)
        Diagnostic-Code: smtp; 550 \(status) mailbox unavailable

        --B
        Content-Type: text/rfc822-headers

        From: songoaivu@cantho.gov.vn
        To: \(to)
        Message-ID: \(messageID)
        --B--
        """
    }

    func suppression(_ c: Contact) throws -> String? { try register.profile(email: c.email).suppressionReason }

    @Test func aHardBounceWithOurTokenSuppressesAndLeavesTheMailbox() throws {
        mailbox.add(report(to: lan.email, status: "5.1.1", envelope: returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID)))
        let summary = try poll()
        #expect(summary.read == 1 && summary.handled == 1 && summary.kinds == [.hard: 1])
        #expect(try suppression(lan) == "hard-bounce")
        #expect(try suppression(john) == nil)
        #expect(mailbox.messages.isEmpty)
        let listed = try register.bounces()
        #expect(listed.map(\.contact) == ["lan@example.vn"] && listed.map(\.campaign) == ["tet"] && listed.map(\.status) == ["5.1.1"])
    }

    @Test func aReportWithoutTheAddressTokenIsMatchedByTheTokenInTheMessageIDWeSent() throws {
        let token = returnAddress.signer.addressToken(.bounce, contactID: john.id!, campaignID: campaignID)
        mailbox.add(report(to: "john@example.com", status: "5.1.1", envelope: "bounces@cantho.gov.vn",
                           messageID: "<\(token).8f3a2c@cantho.gov.vn>"))
        // A Message-ID whose token was altered is nobody's.
        var forged = Array(returnAddress.signer.addressToken(.bounce, contactID: lan.id!, campaignID: campaignID))
        forged[3] = forged[3] == "a" ? "b" : "a"
        mailbox.add(report(to: lan.email, status: "5.1.1", envelope: "bounces@cantho.gov.vn", messageID: "<\(String(forged)).1@cantho.gov.vn>"))
        #expect(try poll().kinds == [.hard: 1, .unmatched: 1])
        #expect(try suppression(john) == "hard-bounce")
        #expect(try suppression(lan) == nil)
        #expect(try register.bounces().last?.contact == "john@example.com")
    }

    @Test func aForgedTokenChangesNothingAndTheReportStaysForStaff() throws {
        var forged = Array(returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID))
        forged[10] = forged[10] == "a" ? "b" : "a"
        mailbox.add(report(to: lan.email, status: "5.1.1", envelope: String(forged)))
        let summary = try poll()
        #expect(summary.kept == 1 && summary.kinds == [.unmatched: 1])
        #expect(try suppression(lan) == nil)
        #expect(mailbox.messages.count == 1, "kept in the mailbox")
        #expect(try poll().read == 0, "and not read again")
    }

    @Test func somethingThatIsNotAMessageIsKeptAndReported() throws {
        mailbox.add("\u{0}\u{1}binary garbage without any header")
        let summary = try poll()
        #expect(summary.kinds == [.unreadable: 1] && mailbox.messages.count == 1)
        #expect(try register.bounces().first?.kind == "unreadable")
    }

    @Test func aMessageRecordedButNotFlaggedIsFlaggedAfterARestartWithoutCountingTwice() throws {
        let envelope = returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID)
        mailbox.add(report(to: lan.email, status: "4.2.2", envelope: envelope, action: "delayed"))
        mailbox.failHandling = true
        #expect(throws: MailboxError.self) { try poll() }
        #expect(try register.bounces().count == 1, "recorded before the flag failed")
        mailbox.failHandling = false
        #expect(try poll().read == 0, "an ordinary reading only looks past the mark")
        let recovered = try poll(recover: true)
        #expect(recovered.read == 0 && recovered.handled == 1)
        #expect(mailbox.messages.isEmpty)
        #expect(try register.bounces().count == 1, "one soft bounce, counted once")
    }

    @Test func aMessageThatCannotBeFetchedIsRecordedUnreadableAfterThreeReadingsAndTheRestIsRead() throws {
        mailbox.add("From: someone@example.org\nSubject: too big to fetch\n\nx\n")
        mailbox.add(report(to: lan.email, status: "5.1.1", envelope: returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID)))
        mailbox.unfetchable = [1]
        let failures = FetchFailures()
        for _ in 1..<MailboxPoll.fetchAttempts {
            #expect(throws: MailboxError.self) { try poll(fetchFailures: failures) }
        }
        #expect(try register.bounces().isEmpty && suppression(lan) == nil, "nothing recorded while the message may still come")
        let summary = try poll(fetchFailures: failures)
        #expect(summary.read == 2 && summary.kinds == [.unreadable: 1, .hard: 1], "\(summary)")
        #expect(try suppression(lan) == "hard-bounce", "the message after it was read")
        let unreadable = try #require(try register.bounces().first { $0.kind == "unreadable" })
        #expect(unreadable.diagnostic?.contains("cannot be fetched (3 attempts)") == true, "\(unreadable)")
        #expect(mailbox.messages.keys.sorted() == [1], "the unreadable message stays in the mailbox for staff")
        // Passed for good: the next readings, and the first one after a restart, do not stop on it.
        #expect(try poll(fetchFailures: failures).read == 0)
        #expect(try poll(recover: true).read == 0)
    }

    @Test func anotherMailboxWithTheSameUIDValidityIsNotTakenAsAlreadyRecorded() throws {
        mailbox.add(report(to: lan.email, status: "5.1.1", envelope: returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID)))
        mailbox.failHandling = true
        #expect(throws: MailboxError.self) { try poll() }
        // bounces.mailbox_url now names another server, whose folder has the same UIDVALIDITY and UIDs.
        let other = FakeMailbox()
        other.add(report(to: john.email, status: "5.1.1", envelope: returnAddress.envelopeSender(contactID: john.id!, campaignID: campaignID)))
        let summary = try poll(mailbox: other, url: "imaps://mail.cantho.gov.vn/INBOX")
        #expect(summary.read == 1 && summary.kinds == [.hard: 1], "\(summary)")
        #expect(try suppression(john) == "hard-bounce", "the new mailbox's report is recorded, not deleted unread")
        #expect(other.messages.isEmpty)
        #expect(try register.bounces().count == 2)
    }

    @Test func aRenumberedMailboxIsReadAgainFromTheStart() throws {
        mailbox.add(report(to: lan.email, status: "5.7.1", envelope: returnAddress.envelopeSender(contactID: lan.id!, campaignID: campaignID)))
        _ = try poll()
        mailbox.uidValidity = 99
        mailbox.messages = [1: mailbox.messages[1] ?? Array(report(to: john.email, status: "5.1.1",
                                                          envelope: returnAddress.envelopeSender(contactID: john.id!, campaignID: campaignID)).utf8)]
        #expect(try poll().read == 1)
        #expect(try suppression(john) == "hard-bounce")
    }

    @Test func aMailToTheUnsubscribeAddressUnsubscribesThatPerson() throws {
        let mailto = returnAddress.unsubscribeMailto(contactID: john.id!, campaignID: campaignID)
        let address = String(mailto.dropFirst("mailto:".count).prefix { $0 != "?" })
        mailbox.add("""
            From: John <john@example.com>
            To: \(address)
            Subject: unsubscribe
            Message-ID: <u1@example.com>

            Please stop.
            """)
        #expect(try poll().kinds == [.unsubscribe: 1])
        let profile = try register.profile(email: john.email)
        #expect(profile.consent == "withdrawn" && profile.suppressionReason == "unsubscribed" && profile.history.last?.source == "mailto")
    }
}
