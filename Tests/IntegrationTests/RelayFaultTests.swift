import Foundation
import Testing

/// Whose fault a refusal is, against Postfix's smtp-sink refusing on cue: the relay's faults pause
/// the campaign with its words and harm nobody; the recipient's fail that message; a refusal of
/// every message pauses; a lost final reply is sent once more, then left unconfirmed.
@Suite struct RelayFaultTests {
    @Test(arguments: [
        ("550 5.1.1 <songoaivu@cantho.gov.vn>: Sender address rejected: not owned by user", "sender.from"),
        ("530 5.7.0 Authentication required", "smtp.username"),
    ])
    func aRefusedMailFromPausesTheCampaignAndFailsNobody(_ reply: String, _ fix: String) throws {
        let w = try Workspace.launched(5)
        let port = freePort()
        var faulty: SMTPSink? = try SMTPSink(port: port, folder: w.folder.appendingPathComponent("faulty"), options: ["-f", "MAIL", "-B", reply])
        let daemon = try Daemon(w, smtpPort: port)
        #expect(try waitUntil(20) { try w.status("c")["status"] as? String == "paused" }, "\(daemon.output)")
        let status = try w.status("c")
        #expect(status["failed"] as? Int == 0 && status["queued"] as? Int == 5, "\(status)")
        let reason = status["reason"] as? String ?? ""
        #expect(reason.contains(String(reply.prefix(9))), "the reason quotes the relay: \(reason)")
        #expect(reason.contains(fix), "the reason says what to change: \(reason)")
        #expect(try w.sql("SELECT count(*) FROM suppressions") == "0", "nobody is suppressed")
        #expect(daemon.output.contains("error"), "the log says it at error level")
        #expect(try w.outreach("campaign", "list").stdout.contains(String(reply.prefix(9))))
        #expect(try w.outreach("campaign", "status", "c").stdout.contains("reason: "))

        // The relay is fixed; staff resume: everyone gets it, once.
        faulty?.stop()
        faulty = nil
        let healthy = try SMTPSink(port: port, folder: w.folder.appendingPathComponent("healthy"))
        #expect(try w.outreach("campaign", "resume", "c").status == 0)
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(healthy.countsByRecipient().count == 5 && healthy.countsByRecipient().values.allSatisfy { $0 == 1 })
        #expect(try w.status("c")["reason"] is NSNull, "no reason once it runs again")
        #expect(daemon.stop() == 0)
    }

    @Test func aRecipientRefusedByPolicyFailsWithoutSuppressionOrPause() throws {
        let w = try Workspace.launched(3)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: ["-f", "RCPT", "-B", "550 5.7.1 <x>: Relay access denied"])
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(try w.count("c", "failed") == 3)
        #expect(try w.sql("SELECT count(*) FROM suppressions") == "0")
        #expect(daemon.stop() == 0)
    }

    @Test func aRelayRefusingEveryMessagePausesTheCampaignAfterTwentyInARow() throws {
        let w = try Workspace.launched(40)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: ["-f", "DATA", "-B", "554 5.7.1 Message refused"])
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try waitUntil(30) { try w.status("c")["status"] as? String == "paused" }, "\(daemon.output)")
        try waitUntil(2) { try w.count("c", "sending") == 0 }
        let failed = try w.count("c", "failed")
        #expect(failed >= 20 && failed <= 24, "at most one more per worker after the twentieth: \(failed)")
        #expect((try w.status("c")["reason"] as? String ?? "").contains("20 messages in a row"))
        let retried = try w.outreach("campaign", "retry", "c")
        #expect(retried.stdout.contains("\(failed) messages requeued"), "\(retried.stdout)")
        #expect(daemon.stop() == 0)
    }

    @Test func aLostFinalReplyIsSentOnceMoreThenUnconfirmedAndRetriedOnlyOnRequest() throws {
        let w = try Workspace.launched(3)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: ["-q", "."])
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 40), "\(daemon.output)")
        #expect(try w.count("c", "unconfirmed") == 3)
        #expect(try w.sql("SELECT max(attempts) FROM outbox") == "2", "sent twice at most")
        #expect(try w.outreach("campaign", "retry", "c").stdout.contains("0 messages requeued"))
        #expect(try w.outreach("campaign", "retry", "c", "--unconfirmed").stdout.contains("3 messages requeued"))
        #expect(try w.status("c")["status"] as? String == "running")
        #expect(daemon.stop() == 0)
    }
}
