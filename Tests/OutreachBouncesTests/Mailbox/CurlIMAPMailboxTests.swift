import Foundation
@testable import OutreachBounces
import Testing

/// The bounce mailbox read through libcurl from a real Dovecot (Tests/mailbox/mailbox.sh).
@Suite(.enabled(if: PrivateMailbox.required, PrivateMailbox.reason))
struct CurlIMAPMailboxTests {
    func mailbox(_ box: PrivateMailbox, url: String? = nil, password: String = PrivateMailbox.password, caFile: String? = nil,
                 handledFolder: String? = nil) throws -> CurlIMAPMailbox {
        try CurlIMAPMailbox(url: url ?? box.url(), username: PrivateMailbox.user, password: password, caFile: caFile, timeout: 10,
                            handledFolder: handledFolder)
    }

    @Test func opensListsAndFetchesTheDeliveredBytesThenExpungesWhatIsHandled() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1), PrivateMailbox.report(2), PrivateMailbox.report(3)])
        let mailbox = try mailbox(box)

        let (uidValidity, messages) = try mailbox.open()
        #expect(messages == 3)
        let uids = try mailbox.uids(after: 0)
        #expect(uids.count == 3 && uids == uids.sorted(), "\(uids)")
        // doveadm save files the bytes as given: Dovecot adds no header (LMTP would add Return-Path,
        // Delivered-To and Received at the top).
        for (uid, n) in zip(uids, 1...) {
            #expect(try mailbox.fetch(uid: uid, uidValidity: uidValidity) == PrivateMailbox.report(n))
        }

        try mailbox.markHandled(uids: [uids[1]])
        #expect(try mailbox.uids(after: 0) == [uids[0], uids[2]])
        #expect(try mailbox.open().messages == 2)
        #expect(try box.uids(in: "INBOX") == [uids[0], uids[2]], "expunged on the server, not just hidden")
    }

    @Test func withAHandledFolderAHandledMessageMovesThere() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1), PrivateMailbox.report(2)])
        try box.createFolder("Handled")
        let mailbox = try mailbox(box, handledFolder: "Handled")
        let uids = try mailbox.uids(after: 0)

        try mailbox.markHandled(uids: [uids[0]])
        #expect(try mailbox.uids(after: 0) == [uids[1]])
        #expect(try box.uids(in: "Handled").count == 1)
        let handled = try CurlIMAPMailbox(url: box.url("Handled"), username: PrivateMailbox.user, password: PrivateMailbox.password,
                                          caFile: nil)
        let (v, _) = try handled.open()
        #expect(try handled.fetch(uid: try handled.uids(after: 0)[0], uidValidity: v) == PrivateMailbox.report(1))
    }

    @Test func aHandledFolderThatDoesNotExistYetIsCreated() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1)])
        let mailbox = try mailbox(box, handledFolder: "Bounces handled")
        try mailbox.markHandled(uids: [try mailbox.uids(after: 0)[0]])
        #expect(try mailbox.uids(after: 0).isEmpty)
        #expect(try box.uids(in: "Bounces handled").count == 1)
    }

    @Test func uidsAfterTheHighestUIDAreNone() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1), PrivateMailbox.report(2), PrivateMailbox.report(3)])
        let mailbox = try mailbox(box)
        let uids = try mailbox.uids(after: 0)
        #expect(try mailbox.uids(after: uids[2]) == [])
        #expect(try mailbox.uids(after: uids[2] + 100) == [], "UID SEARCH UID 103:* still lists the highest UID")
        #expect(try mailbox.uids(after: uids[0]) == Array(uids[1...]))
    }

    @Test func anEmptyFolderListsNoUIDs() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        let mailbox = try mailbox(box)
        #expect(try mailbox.open().messages == 0)
        #expect(try mailbox.uids(after: 0) == [])
    }

    @Test func moreMessagesThanOneSearchReturnsAreAllListed() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.fill(2_345, with: PrivateMailbox.report(1))
        let mailbox = try mailbox(box)
        let uids = try mailbox.uids(after: 0)
        #expect(uids == Array(1...2_345))
        #expect(try mailbox.uids(after: 1_000) == Array(1_001...2_345))
        #expect(try mailbox.uids(after: 2_344) == [2_345])
    }

    @Test func aStaleUIDValidityIsReportedAsSuch() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1)])
        let mailbox = try mailbox(box)
        let (uidValidity, _) = try mailbox.open()
        let uid = try mailbox.uids(after: 0)[0]
        #expect(throws: MailboxError.uidValidityChanged) { try mailbox.fetch(uid: uid, uidValidity: uidValidity &- 1) }
        #expect(try mailbox.fetch(uid: uid, uidValidity: uidValidity) == PrivateMailbox.report(1), "and the mailbox still works")
    }

    @Test func aMessageThatIsGoneIsAServerErrorNotARenumbering() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1)])
        let mailbox = try mailbox(box)
        let (uidValidity, _) = try mailbox.open()
        let error = #expect(throws: MailboxError.self) { try mailbox.fetch(uid: 99, uidValidity: uidValidity) }
        guard case .server(let why)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(why.contains("99"), "\(why)")
    }

    @Test func aWrongPasswordIsALoginErrorThatDoesNotShowThePassword() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        let wrong = "Sai mật khẩu 42"
        let mailbox = try mailbox(box, password: wrong)
        let error = #expect(throws: MailboxError.self) { try mailbox.open() }
        guard case .login(let why)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(why.contains("Authentication failed"), "the server's words: \(why)")
        let text = error?.description ?? ""
        #expect(text.contains("bounces.username") && text.contains("OUTREACH_BOUNCES_PASSWORD"), "\(text)")
        #expect(!text.contains(wrong) && !text.contains(PrivateMailbox.password), "\(text)")
    }

    @Test func aFolderThatDoesNotExistIsNamed() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        let mailbox = try mailbox(box, url: box.url("Nowhere"))
        let error = #expect(throws: MailboxError.self) { try mailbox.open() }
        guard case .noFolder(let why)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(why.contains("Nowhere"), "\(why)")
        #expect(throws: MailboxError.self) { try mailbox.check() }
    }

    @Test func aClosedPortIsAConnectionError() throws {
        let mailbox = try CurlIMAPMailbox(url: "imap://127.0.0.1:\(PrivateMailbox.freePort())/INBOX", username: "bounces", password: "x", caFile: nil, timeout: 5)
        let error = #expect(throws: MailboxError.self) { try mailbox.open() }
        guard case .connection(let why)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(why.contains("127.0.0.1"), "\(why)")
    }

    @Test func imapsWithThePrivateCAWorksAndWithoutItIsATLSError() throws {
        let box = try PrivateMailbox(imaps: true)
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1)])
        let trusted = try mailbox(box, url: box.imapsURL, caFile: box.caFile)
        #expect(try trusted.open().messages == 1)
        let untrusted = try mailbox(box, url: box.imapsURL)
        let error = #expect(throws: MailboxError.self) { try untrusted.open() }
        guard case .tls? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(error?.description.contains("smtp.ca_file") == true)
    }

    @Test func plainIMAPOnLoopbackUsesSTARTTLSWhenTheServerOffersIt() throws {
        let box = try PrivateMailbox(imaps: true)
        defer { box.stop() }
        let mailbox = try mailbox(box, caFile: box.caFile)
        #expect(try mailbox.open().messages == 0)
        #expect(box.log.contains("Login: user=<bounces>") && box.log.contains("TLS"), "\(box.log)")
        let untrusted = try self.mailbox(box)
        #expect(throws: MailboxError.self, "the certificate is checked after STARTTLS too") { try untrusted.open() }
    }

    @Test func aPollOfTwentyMessagesLogsInOnce() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver((1...20).map(PrivateMailbox.report))
        let mailbox = try mailbox(box)
        let (uidValidity, _) = try mailbox.open()
        for uid in try mailbox.uids(after: 0) {
            _ = try mailbox.fetch(uid: uid, uidValidity: uidValidity)
            try mailbox.markHandled(uids: [uid])
        }
        #expect(try mailbox.open().messages == 0)
        #expect(mailbox.logins == 1)
        #expect(box.logins == 1, "\(box.log)")
    }

    @Test func checkSummarisesTheFolderWithoutChangingIt() throws {
        let box = try PrivateMailbox()
        defer { box.stop() }
        try box.deliver([PrivateMailbox.report(1), PrivateMailbox.report(2)])
        let mailbox = try mailbox(box)
        let summary = try mailbox.check()
        let (uidValidity, _) = try CurlIMAPMailbox(url: box.url(), username: PrivateMailbox.user, password: PrivateMailbox.password,
                                                   caFile: nil).open()
        #expect(summary == "INBOX: 2 messages, UIDVALIDITY \(uidValidity)")
        #expect(try box.uids(in: "INBOX").count == 2)
    }
}
