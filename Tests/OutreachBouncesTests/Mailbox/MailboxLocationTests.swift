@testable import OutreachBounces
import Testing

/// What `bounces.mailbox_url` may say, checked before anything connects.
struct MailboxLocationTests {
    @Test func plainIMAPOffThisMachineIsRefusedWithoutConnecting() {
        let error = #expect(throws: MailboxError.self) {
            try CurlIMAPMailbox(url: "imap://192.0.2.1/INBOX", username: "bounces", password: "x", caFile: nil)
        }
        guard case .badURL? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(error?.description.hasPrefix("bounces.mailbox_url: ") == true)
        #expect(error?.description.contains("imaps://192.0.2.1") == true)
    }

    @Test(arguments: ["imap://127.0.0.1:1143/INBOX", "imap://127.8.9.10/INBOX", "imap://localhost/INBOX", "imap://[::1]:143/INBOX",
                      "imaps://mail.example.org/INBOX", "IMAPS://mail.example.org:993"])
    func theseURLsAreAccepted(_ url: String) throws {
        _ = try MailboxLocation(url)
    }

    @Test(arguments: ["imap://127.evil.example/INBOX", "imap://10.0.0.1/INBOX", "imap://[::2]/INBOX", "https://mail.example.org/INBOX",
                      "imaps://bounces:secret@mail.example.org/INBOX", "imaps://mail.example.org/INBOX;UID=3",
                      "imaps://mail.example.org:99x/INBOX", "imaps:///INBOX", "imaps://mail.example.org/Th%C6%B0"])
    func theseURLsAreRefused(_ url: String) {
        #expect(throws: MailboxError.self) { try MailboxLocation(url) }
    }

    @Test func theFolderIsDecodedAndDefaultsToINBOX() throws {
        #expect(try MailboxLocation("imaps://mail.example.org").folder == "INBOX")
        #expect(try MailboxLocation("imaps://mail.example.org/").folder == "INBOX")
        let spaced = try MailboxLocation("imaps://mail.example.org:993/Bounces%20in")
        #expect(spaced.folder == "Bounces in")
        #expect(spaced.folderURL == "imaps://mail.example.org:993/Bounces%20in")
        #expect(spaced.messageURL(uid: 7, uidValidity: 42) == "imaps://mail.example.org:993/Bounces%20in;UIDVALIDITY=42/;UID=7")
        #expect(MailboxLocation.quoted(#"a "b" \c"#) == #""a \"b\" \\c""#)
    }

    @Test func theServersWordsAreQuotedWithoutDovecotsTimings() {
        #expect(IMAPResponse.refusal("A004 NO [TRYCREATE] Mailbox doesn't exist: X (0.001 + 0.000 secs).") == "NO [TRYCREATE] Mailbox doesn't exist: X.")
        #expect(IMAPResponse.refusal("* NO something") == nil)
        #expect(IMAPResponse.refusal("A003 OK done") == nil)
    }

    @Test func theAnswersAreRead() {
        let select = IMAPResponse.lines(Array("* FLAGS (\\Seen)\r\n* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1701234567] UIDs valid\r\n* OK [UIDNEXT 4] Predicted\r\n".utf8))
        #expect(IMAPResponse.selected(select)! == (1_701_234_567, 3, 4))
        #expect(IMAPResponse.search(["* SEARCH 3 4 5", "* SEARCH"]) == [3, 4, 5])
        #expect(IMAPResponse.status(["* STATUS \"Bounces (old)\" (MESSAGES 12 UIDVALIDITY 9)"]) == ["MESSAGES": 12, "UIDVALIDITY": 9])
        #expect(IMAPResponse.capabilities(["* CAPABILITY IMAP4rev1 MOVE UIDPLUS"]).isSuperset(of: ["MOVE", "UIDPLUS"]))
    }
}
