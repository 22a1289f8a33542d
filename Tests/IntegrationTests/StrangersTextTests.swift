import Foundation
import Testing

/// What strangers write (a relay's refusal, a report's Diagnostic-Code) reaches a staff terminal
/// or a log line without its control characters (issue 22, point 12): smtp-sink `-B` and a
/// report in the mailbox carry escape sequences that would clear the screen and retitle the window.
@Suite struct StrangersTextTests {
    static let hostile = "\u{1B}[2J\u{1B}]0;PWNED\u{07}\u{9B}31m go away"

    func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n" }

    func expectClean(_ text: String, _ what: String) {
        #expect(text.contains("PWNED"), "\(what) quotes the stranger's words: \(text)")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F || (0x80...0x9F).contains($0.value) },
                "\(what) holds no control character: \(text.debugDescription)")
    }

    @Test func aRelaysRefusalReachesStatusListAndTheLogCleaned() throws {
        let w = try Workspace.launched(2)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: ["-f", "MAIL", "-B", "550 5.7.1 " + Self.hostile])
        defer { sink.stop() }
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try waitUntil(20) { try w.status("c")["status"] as? String == "paused" }, "\(daemon.output)")
        expectClean(try w.outreach("campaign", "status", "c").stdout, "campaign status")
        expectClean(try w.outreach("campaign", "list").stdout, "campaign list")
        #expect(daemon.stop() == 0)
        expectClean(daemon.output, "the daemon's log")
    }

    @Test(.enabled(if: BounceMailboxServer.available, "needs root and dovecot (scripts/setup installs it)"))
    func anUnmatchedReportsWordsReachTheWarningOfBouncesPollCleaned() throws {
        let w = try Workspace()
        let mailbox = try BounceMailboxServer(w)
        w.environment.merge(mailbox.environment) { _, n in n }
        let report = try w.write("report.eml", crlf("""
            From: MAILER-DAEMON@relay.example
            To: bounces@cantho.gov.vn
            Subject: Undelivered Mail Returned to Sender
            Message-ID: <r1@relay.example>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: text/plain

            Your message could not be delivered.
            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; relay.example

            Final-Recipient: rfc822; someone@example.org
            Action: failed
            Status: 5.1.1
            Diagnostic-Code: smtp; 550 5.1.1 \(Self.hostile)

            --B--
            """))
        mailbox.deliver(report)
        let r = try w.outreach("bounces", "poll")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("kept for staff"), "\(r.stderr)")
        expectClean(r.stderr, "the warning of bounces poll")
    }
}
