import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A private Dovecot holding the bounce mailbox: IMAP for Outreach, LMTP for a relay's reports
/// (Tests/mailbox/mailbox.sh builds it in a scratch folder and takes it down).
final class BounceMailboxServer {
    let folder: URL
    let imapPort = freePort(), lmtpPort = freePort()
    static let user = "bounces", password = "Hộp thư 2027"
    static let script = repositoryRoot.appendingPathComponent("Tests/mailbox/mailbox.sh").path

    init(_ w: Workspace) throws {
        folder = w.folder.appendingPathComponent("mailbox")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(w.folder.path, 0o755)
        let errors = w.folder.appendingPathComponent("mailbox-start.err").path
        // (Glibc's system(): Foundation's Process does not always reap a script whose daemons outlive it.)
        let status = system("'\(Self.script)' start '\(folder.path)' \(imapPort) \(lmtpPort) '\(Self.user)' '\(Self.password)' </dev/null >/dev/null 2>'\(errors)'")
        guard status == 0 else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""])
        }
    }

    var url: String { "imap://127.0.0.1:\(imapPort)/INBOX" }

    /// Puts messages into the mailbox as they are.
    func deliver(_ files: String...) {
        _ = system("'\(Self.script)' deliver '\(folder.path)' \(Self.user) \(files.map { "'\($0)'" }.joined(separator: " ")) >/dev/null 2>&1")
    }

    /// How many messages the mailbox holds (Dovecot's own count).
    func count() -> Int {
        let out = folder.appendingPathComponent("count.out").path
        _ = system("doveadm -c '\(folder.path)/dovecot.conf' mailbox status -u \(Self.user) messages INBOX > '\(out)' 2>/dev/null")
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        return Int(text.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
    }

    func stop() { _ = system("'\(Self.script)' stop '\(folder.path)' >/dev/null 2>&1") }
    deinit { stop() }

    /// The settings that point Outreach at it.
    var environment: [String: String] {
        ["OUTREACH_BOUNCES_ADDRESS": "bounces@cantho.gov.vn", "OUTREACH_BOUNCES_MAILBOX_URL": url,
         "OUTREACH_BOUNCES_USERNAME": Self.user, "OUTREACH_BOUNCES_PASSWORD": Self.password, "OUTREACH_BOUNCES_POLL_INTERVAL": "1s"]
    }

    static let available: Bool = {
        getuid() == 0 && ["/usr/sbin/dovecot", "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp"].allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }()
    static let required = (available && RealRelay.available) || ProcessInfo.processInfo.environment["CI"] == "true"
}

extension Workspace {
    /// `bounces list --format json`.
    func bounces() throws -> [[String: Any]] {
        let r = try outreach("bounces", "list", "--format", "json")
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// `contacts show EMAIL --format json`.
    func profile(_ email: String) throws -> [String: Any] {
        let r = try outreach("contacts", "show", email, "--format", "json")
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }
}

/// The deliverability loop against real servers: a real Postfix relay that accepts our message
/// and reports later, by mail, that the next hop refused the recipient; a real Dovecot where
/// those reports (and complaints, and mail to the unsubscribe address) arrive; `outreach serve`
/// reading it over IMAP.
@Suite(.serialized, .enabled(if: BounceMailboxServer.required, "needs root, postfix, dovecot-core, dovecot-imapd, dovecot-lmtpd (scripts/setup installs them)"))
struct BounceMailboxTests {
    /// A workspace with its mailbox. Contacts: three at example.org and one at gone.example,
    /// whose server refuses everyone; campaign "c" launched.
    func workspace() throws -> (Workspace, BounceMailboxServer) {
        let w = try Workspace()
        let mailbox = try BounceMailboxServer(w)
        w.environment.merge(mailbox.environment) { _, n in n }
        try w.importPeople(3)
        let csv = try w.write("gone.csv", "email,name,language,consent\ngone@gone.example,Trần Văn Đi,vi,yes\n")
        #expect(try w.outreach("contacts", "import", csv).status == 0)
        try w.launchCampaign()
        return (w, mailbox)
    }

    @Test func aRelaysReportOfARefusedRecipientSuppressesTheAddressAndLeavesTheMailbox() throws {
        let (w, mailbox) = try workspace()
        // The next hop for gone.example refuses every recipient; reports to cantho.gov.vn go to Dovecot.
        let refusing = try SMTPSink(folder: w.folder.appendingPathComponent("refusing"),
                                    options: ["-f", "rcpt", "-B", "550 5.1.1 <gone@gone.example>: Recipient address rejected: User unknown"])
        defer { refusing.stop() }
        let relay = try RealRelay(w, transports: """
            gone.example smtp:[127.0.0.1]:\(refusing.port)
            cantho.gov.vn lmtp:inet:127.0.0.1:\(mailbox.lmtpPort)

            """)
        let d = try Daemon(w, smtpPort: relay.port, extra: [
            "OUTREACH_SMTP_URL": relay.url, "OUTREACH_SMTP_USERNAME": RealRelay.user, "OUTREACH_SMTP_PASSWORD": RealRelay.password,
            "OUTREACH_SMTP_CA_FILE": relay.caFile, "OUTREACH_SMTP_TIMEOUT": "10"])
        // The relay accepted all four: the campaign finishes with everyone sent.
        #expect(try w.finished(within: 60), "\(d.output)")
        #expect(try w.count("c", "sent") == 4)
        // Then Postfix's report comes back to the envelope sender and the daemon reads it.
        #expect(try waitUntil(60) { try w.bounces().contains { $0["kind"] as? String == "hard" } }, "\(d.output)\n\(relay.log)")
        let bounces = try w.bounces()
        #expect(bounces.count == 1, "\(bounces)")
        let hard = try #require(bounces.first)
        #expect(hard["contact"] as? String == "gone@gone.example")
        #expect(hard["campaign"] as? String == "c")
        #expect(hard["status"] as? String == "5.1.1")
        #expect((hard["diagnostic"] as? String ?? "").contains("User unknown"), "\(hard)")
        #expect(hard["outcome"] as? String == "suppressed")
        #expect(try w.profile("gone@gone.example")["suppression_reason"] as? String == "hard-bounce")
        #expect(try w.profile("person-0@example.org")["suppressed"] as? Bool == false)
        // Counted where Prometheus reads it (the staff listener).
        let metrics = try Workspace().run("/usr/bin/curl", ["-s", "http://127.0.0.1:\(d.staffPort)/metrics"]).stdout
        #expect(metrics.contains("outreach_bounces_total{kind=\"hard\"} 1"), "\(metrics.split(separator: "\n").filter { $0.contains("bounce") })")
        #expect(metrics.contains("outreach_mailbox_poll_errors_total") == false || metrics.contains("outreach_mailbox_poll_errors_total 0"))
        // Recorded, then deleted from the mailbox.
        #expect(waitUntil(10) { mailbox.count() == 0 }, "\(mailbox.count()) left")
        // Every message went out with its own signed envelope sender.
        let senders = relay.sink.envelopeSenders()
        #expect(senders.count == 3 && senders.allSatisfy { $0.hasPrefix("bounces+") && $0.hasSuffix("@cantho.gov.vn") }, "\(senders)")
        #expect(Set(senders).count == 3)
        // The next campaign leaves the address out.
        #expect(try w.outreach("campaign", "create", "c2", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        let launched = try w.outreach("campaign", "launch", "c2")
        #expect(launched.stdout.contains("3 messages queued"), "\(launched.stdout)")
        #expect(d.stop() == 0)
    }

    @Test func aMailtoUnsubscribeAComplaintAndAForgedReportEachDoWhatTheyShould() throws {
        let (w, mailbox) = try workspace()
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        defer { sink.stop() }
        let d = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 60), "\(d.output)")
        let sent = Dictionary(sink.messages().map { ($0.recipient, String(decoding: $0.body, as: UTF8.self)) }) { a, _ in a }
        #expect(sent.count == 4)

        // person-0 writes to the List-Unsubscribe mailto.
        let mailto = try #require(header("List-Unsubscribe", in: sent["person-0@example.org"] ?? "")?
            .split(separator: "<").map { $0.prefix { $0 != ">" } }.first { $0.hasPrefix("mailto:") })
        let unsubscribeAddress = String(mailto.dropFirst("mailto:".count).prefix { $0 != "?" })
        #expect(unsubscribeAddress.hasPrefix("bounces+") && unsubscribeAddress.hasSuffix("@cantho.gov.vn"))
        let unsubscribe = try w.write("unsubscribe.eml", crlf("""
            From: Nguyễn Văn Người 0 <person-0@example.org>
            To: \(unsubscribeAddress)
            Subject: unsubscribe
            Date: Tue, 01 Dec 2026 09:00:00 +0700
            Message-ID: <u0@example.org>

            Xin ngừng gửi thư.
            """))
        // person-1 presses "this is spam": the provider's ARF report carries our message.
        let original = sent["person-1@example.org"] ?? ""
        let complaint = try w.write("complaint.eml", crlf("""
            From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>
            To: bounces@cantho.gov.vn
            Subject: FW: Thư mời
            Date: Tue, 01 Dec 2026 09:01:00 +0000
            Message-ID: <arf1@arf.mail.yahoo.com>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="arf"

            --arf
            Content-Type: text/plain; charset=us-ascii

            This is an email abuse report for an email message received from IP 192.0.2.10.
            --arf
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            User-Agent: Yahoo!-Mail-Feedback/2.0
            Version: 1
            Original-Rcpt-To: person-1@example.org
            Arrival-Date: Tue, 01 Dec 2026 08:59:00 +0000

            --arf
            Content-Type: message/rfc822

            """) + original + "\r\n--arf--\r\n")
        // A report with a forged token about person-2 (anyone can mail the bounce address).
        var forged = Array(unsubscribeAddress)
        forged[12] = forged[12] == "a" ? "b" : "a"
        let fake = try w.write("forged.eml", crlf("""
            From: MAILER-DAEMON@evil.example
            To: \(String(forged))
            Subject: Undelivered Mail \u{1B}[2J\u{1B}]0;pwned\u{07}Returned to Sender
            Message-ID: <forged@evil.example>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"

            --B
            Content-Type: message/delivery-status

            Reporting-MTA: dns; evil.example

            Final-Recipient: rfc822; person-2@example.org
            Action: failed
            Status: 5.1.1

            --B--
            """))
        mailbox.deliver(unsubscribe, complaint, fake)
        #expect(try waitUntil(30) { try w.bounces().count == 3 }, "\(d.output)")
        let byKind = Dictionary(try w.bounces().map { ($0["kind"] as? String ?? "", $0) }) { a, _ in a }
        #expect(byKind["unsubscribe"]?["contact"] as? String == "person-0@example.org")
        #expect(byKind["complaint"]?["contact"] as? String == "person-1@example.org")
        #expect(byKind["unmatched"]?["outcome"] as? String == "changes nothing; kept in the mailbox", "\(byKind)")
        let p0 = try w.profile("person-0@example.org"), p1 = try w.profile("person-1@example.org")
        #expect(p0["consent"] as? String == "withdrawn" && p0["suppression_reason"] as? String == "unsubscribed", "\(p0)")
        #expect(p1["consent"] as? String == "withdrawn" && p1["suppression_reason"] as? String == "complaint", "\(p1)")
        #expect(try w.profile("person-2@example.org")["suppressed"] as? Bool == false, "a forged report changes nothing")
        // What a stranger wrote reaches the staff's terminal without its control characters.
        let table = try w.outreach("bounces", "list").stdout
        #expect(table.contains("Undelivered Mail") && !table.contains("\u{1B}") && !table.contains("\u{07}"), "\(table)")
        // The forged report stays for staff; the other two are gone.
        #expect(waitUntil(10) { mailbox.count() == 1 }, "\(mailbox.count())")
        #expect(d.stop() == 0)
    }

    @Test func doctorLogsInToTheMailboxAndNamesWhatToFix() throws {
        let w = try Workspace()
        let mailbox = try BounceMailboxServer(w)
        w.environment.merge(mailbox.environment) { _, n in n }
        func check(_ extra: [String: String]) throws -> [String: Any]? {
            w.environment.merge(extra) { _, n in n }
            let r = try w.outreach("doctor", "--format", "json")
            let report = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
            return (report["checks"] as? [[String: Any]] ?? []).first { ($0["check"] as? String)?.hasPrefix("bounce mailbox") == true }
        }
        let healthy = try #require(try check([:]))
        #expect(healthy["ok"] as? Bool == true, "\(healthy)")
        let wrong = try #require(try check(["OUTREACH_BOUNCES_PASSWORD": "nope"]))
        #expect(wrong["ok"] as? Bool == false)
        #expect((wrong["fix"] as? String ?? "").contains("bounces.username"), "\(wrong)")
        #expect(!(wrong["detail"] as? String ?? "").contains("nope"), "the password never shows")
    }

    func header(_ name: String, in message: String) -> String? {
        let head = message.components(separatedBy: "\r\n\r\n").first ?? ""
        let unfolded = head.replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
        return unfolded.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    func crlf(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n" }
}

extension SMTPSink {
    /// The envelope senders (MAIL FROM) of the messages received.
    func envelopeSenders() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { url in
            guard let text = try? String(contentsOf: url, encoding: .utf8),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("X-Mail-Args: ") }) else { return nil }
            return String(line.dropFirst("X-Mail-Args: <".count).prefix { $0 != ">" })
        }
    }
}
