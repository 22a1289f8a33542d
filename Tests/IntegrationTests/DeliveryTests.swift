import Foundation
import Testing

/// Delivery against Postfix's real smtp-sink on loopback, with every fault it can inject.
@Suite(.serialized) struct DeliveryTests {
    @Test func everyConsentingRecipientGetsExactlyOneMessage() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        try w.outreach("campaign", "create", "c", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        try w.outreach("campaign", "launch", "c")
        let again = try w.outreach("campaign", "launch", "c")
        #expect(again.stdout.contains("0 messages queued (47 in all)"), "launching twice adds nobody twice")
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(), "\(daemon.output)")
        let counts = sink.countsByRecipient()
        #expect(counts.count == 47)
        #expect(counts.values.allSatisfy { $0 == 1 })
        let pending = try w.listCSV("consent=pending").dropFirst().map { $0[0] }
        for address in pending { #expect(counts[address] == nil, "\(address) has not confirmed and gets nothing") }
        let status = try w.status("c")
        #expect(status["sent"] as? Int == 47)
        // What arrived is what we built: it parses cleanly.
        let files = sink.messages().prefix(5).enumerated().map { i, m in try! w.write("got-\(i).eml", m.body) }
        for parsed in try parseWithPython(files) { #expect((parsed["problems"] as? [String])?.isEmpty == true) }
        #expect(daemon.stop() == 0)
        #expect(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sending'") == "0")
    }

    /// Runs a 3-recipient campaign against a sink with `fault`, then against a healthy sink on the
    /// same port, and returns the workspace and the healthy sink.
    func faultThenRecovery(_ fault: [String], extra: [String: String] = [:]) throws -> (Workspace, SMTPSink, String) {
        let w = try Workspace.launched(3, extra: extra)
        let port = freePort()
        var faulty: SMTPSink? = try SMTPSink(port: port, folder: w.folder.appendingPathComponent("faulty"), options: fault)
        let daemon = try Daemon(w, smtpPort: port, extra: ["OUTREACH_DELIVERY_RETRY_SCHEDULE": "2s", "OUTREACH_DELIVERY_RELAY_COOLDOWN": "2s"])
        #expect(try waitUntil(20) { try w.sql("SELECT count(*) FROM outbox WHERE attempts > 0 AND state IN ('retry','failed')") != "0" },
                "\(fault): a fault leaves messages waiting for a retry\n\(daemon.output)")
        #expect(try w.count("c", "sent") == 0, "\(fault)")
        faulty?.stop()
        faulty = nil
        let healthy = try SMTPSink(port: port, folder: w.folder.appendingPathComponent("healthy"))
        #expect(try w.finished(within: 40), "\(fault): \(daemon.output)")
        let output = daemon.output
        #expect(daemon.stop() == 0)
        return (w, healthy, output)
    }

    @Test(arguments: [["-r", "MAIL"], ["-r", "RCPT"], ["-r", "DATA"], ["-r", "."], ["-Q", "MAIL"], ["-Q", "RCPT"], ["-q", "DATA"], ["-q", "."], ["-W", "MAIL:6"]])
    func transientFaultsAreDeliveredOnceTheFaultIsGone(fault: [String]) throws {
        let (w, healthy, _) = try faultThenRecovery(fault)
        #expect(try w.count("c", "sent") == 3, "\(fault)")
        #expect(healthy.countsByRecipient().count == 3, "\(fault)")
        #expect(healthy.countsByRecipient().values.allSatisfy { $0 == 1 }, "\(fault)")
        #expect(try w.count("c", "failed") == 0, "\(fault)")
    }

    @Test func aSilentDropAfterTheFinalDotIsAnUnknownOutcomeRetriedAndCounted() throws {
        let (w, _, _) = try faultThenRecovery(["-q", "."])
        #expect(try w.status("c")["unknown_outcomes"] as? Int ?? 0 >= 3)
        #expect(try w.sql("SELECT min(unknown_outcomes) FROM outbox") != "0")
    }

    @Test func a421CoolsTheRelayDownInsteadOfBurningEveryMessagesAttempts() throws {
        let (w, _, output) = try faultThenRecovery(["-Q", "MAIL"], extra: [:])
        #expect(output.contains("relay unavailable; cooling down"))
        // The cool-down stops the other workers from trying: far fewer attempts than messages × tries.
        let attempts = Int(try w.sql("SELECT sum(attempts) FROM outbox")) ?? 0
        #expect(attempts < 20)
    }

    @Test func noServerAtAllForAWhile() throws {
        let w = try Workspace.launched(3)
        let port = freePort()
        let daemon = try Daemon(w, smtpPort: port)
        #expect(try waitUntil(20) { try w.sql("SELECT count(*) FROM outbox WHERE state = 'retry'") != "0" })
        let sink = try SMTPSink(port: port, folder: w.folder.appendingPathComponent("sink"))
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(sink.countsByRecipient().count == 3)
        #expect(daemon.stop() == 0)
    }

    @Test func a5_1_1FailsAtOnceAndSuppressesTheAddress() throws {
        let w = try Workspace.launched(3)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: ["-f", "RCPT", "-B", "550 5.1.1 Recipient address rejected: no such user"])
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(try w.count("c", "failed") == 3)
        #expect(try w.sql("SELECT max(attempts) FROM outbox") == "1", "a 5xx is never retried")
        let shown = try #require(try w.show("person-0@example.org"))
        #expect(shown["suppressed"] as? Bool == true)
        #expect(try w.sql("SELECT reason FROM suppressions LIMIT 1") == "hard-bounce")
        #expect(try w.sql("SELECT last_reply FROM outbox LIMIT 1").contains("5.1.1"))
        #expect(daemon.stop() == 0)
    }

    @Test func anOtherPermanentRejectionFailsWithoutSuppressing() throws {
        let w = try Workspace.launched(2)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: ["-f", "DATA", "-B", "554 5.7.1 Message refused"])
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(try w.count("c", "failed") == 2)
        #expect(try w.sql("SELECT count(*) FROM suppressions") == "0")
        #expect(daemon.stop() == 0)
    }

    @Test func killMinus9WhileSendingLosesNobodyAndDuplicatesAtMostWhatWasInFlight() throws {
        let people = 3000
        let w = try Workspace.launched(people)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let first = try Daemon(w, smtpPort: sink.port)
        #expect(try waitUntil(60) { (Int(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sent'")) ?? 0) > 300 })
        first.kill9()
        let sentBefore = Int(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sent'")) ?? 0
        let inFlight = Int(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sending'")) ?? 0
        #expect(sentBefore < people, "killed while sending")
        let second = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 120), "\(second.output)")
        let counts = sink.countsByRecipient()
        #expect(counts.count == people, "no recipient missing")
        let duplicates = counts.values.reduce(0) { $0 + $1 - 1 }
        #expect(duplicates <= inFlight, "duplicates \(duplicates) > in flight \(inFlight)")
        #expect(try w.count("c", "sent") == people)
        #expect(second.stop() == 0)
    }

    @Test func sigtermFinishesInFlightMessagesAndLeavesNothingSending() throws {
        let w = try Workspace.launched(2000)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try waitUntil(60) { (Int(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sent'")) ?? 0) > 100 })
        #expect(daemon.stop() == 0)
        #expect(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sending'") == "0")
        // Everything the sink received is recorded as sent, and nothing recorded was not received.
        let received = sink.countsByRecipient()
        let sent = Int(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sent'")) ?? 0
        #expect(received.count == sent)
    }

    @Test func anUnsubscribeDuringACampaignStopsMailToThatAddress() throws {
        let w = try Workspace.launched(40, extra: [:])
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port, extra: ["OUTREACH_DELIVERY_RATE_PER_SECOND": "10", "OUTREACH_DELIVERY_WORKERS": "1"])
        #expect(try waitUntil(30) { (Int(try w.sql("SELECT count(*) FROM outbox WHERE state = 'sent'")) ?? 0) >= 3 })
        // The last one not sent yet: queued, or already claimed by the worker (the check right
        // before each send must stop it all the same).
        let late = try w.sql("""
            SELECT c.email FROM outbox o JOIN contacts c ON c.id = o.contact_id
            WHERE o.state IN ('queued', 'sending') ORDER BY o.contact_id DESC LIMIT 1
            """)
        #expect(try w.outreach("contacts", "unsubscribe", late).status == 0)
        #expect(try w.finished(within: 60), "\(daemon.output)")
        #expect(sink.countsByRecipient()[late] == nil)
        #expect(try w.count("c", "skipped") == 1)
        #expect(daemon.stop() == 0)
    }

    @Test func pauseResumeAndCancelAreHonouredWithinASecond() throws {
        let w = try Workspace.launched(200)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port, extra: ["OUTREACH_DELIVERY_RATE_PER_SECOND": "20"])
        #expect(try waitUntil(30) { try w.count("c", "sent") >= 5 })
        #expect(try w.outreach("campaign", "pause", "c").status == 0)
        usleep(1_200_000)
        let paused = try w.count("c", "sent")
        usleep(1_500_000)
        #expect(try w.count("c", "sent") == paused, "nothing sent while paused")
        #expect(try w.status("c")["status"] as? String == "paused")
        #expect(try w.outreach("campaign", "resume", "c").status == 0)
        #expect(try waitUntil(10) { try w.count("c", "sent") > paused })
        let cancel = try w.outreach("campaign", "cancel", "c")
        #expect(cancel.status == 0)
        usleep(1_200_000)
        let status = try w.status("c")
        #expect(status["status"] as? String == "cancelled")
        #expect((status["cancelled"] as? Int ?? 0) > 0)
        #expect((status["queued"] as? Int) == 0)
        let sentAfter = try w.count("c", "sent")
        usleep(1_000_000)
        #expect(try w.count("c", "sent") == sentAfter)
        #expect(sink.countsByRecipient().count == sentAfter)
        #expect(daemon.stop() == 0)
    }

    @Test func aScheduledLaunchStartsOnTime() throws {
        let w = try Workspace()
        try w.importPeople(3)
        try w.outreach("campaign", "create", "c", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        let at = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3))
        let r = try w.outreach("campaign", "launch", "c", "--at", at)
        #expect(r.stdout.contains("scheduled"), "\(r.stdout)")
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.status("c")["status"] as? String == "scheduled")
        #expect(sink.countsByRecipient().isEmpty)
        #expect(try w.finished(within: 20))
        #expect(sink.countsByRecipient().count == 3)
        #expect(daemon.stop() == 0)
    }

    @Test func aTestMessageIsMarkedAndOutsideTheCounts() throws {
        let w = try Workspace.launched(2)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(sink.port)"
        let r = try w.outreach("campaign", "test", "c", "--to", "staff@cantho.gov.vn")
        #expect(r.status == 0, "\(r.stderr)")
        let got = try #require(sink.messages().first)
        #expect(got.recipient == "staff@cantho.gov.vn")
        let parsed = try #require(try parseWithPython([try w.write("t.eml", got.body)]).first)
        #expect((parsed["subject"] as? String)?.hasPrefix("[TEST] ") == true)
        let status = try w.status("c")
        #expect(status["sent"] as? Int == 0)
        #expect(status["tests"] as? Int == 1)
    }

    @Test func aNonASCIILocalPartNeedsSMTPUTF8() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", try w.write("u.csv", "email,consent\nngười@example.vn,yes\n"))
        try w.outreach("campaign", "create", "c", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        try w.outreach("campaign", "launch", "c")
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"), options: [])
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(try w.count("c", "failed") == 1)
        #expect(try w.sql("SELECT last_reply FROM outbox").contains("SMTPUTF8"))
        #expect(sink.messages().isEmpty)
        #expect(daemon.stop() == 0)
    }
}

/// Rate limits and the maximum age, against a real smtp-sink.
@Suite(.serialized) struct DeliveryLimitTests {
    @Test func aDomainAtItsLimitDoesNotStallTheOthers() throws {
        let w = try Workspace()
        try w.importPeople(6, domain: "slow.example.org")
        try w.importPeople(6, domain: "fast.example.net")
        try w.launchCampaign()
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        // 2 a minute per domain: each domain gets its first 2 at once, then waits.
        let daemon = try Daemon(w, smtpPort: sink.port, extra: ["OUTREACH_DELIVERY_PER_DOMAIN_PER_MINUTE": "2"])
        #expect(waitUntil(10) { sink.countsByRecipient().count >= 4 })
        usleep(1_500_000)
        let counts = sink.countsByRecipient()
        #expect(counts.keys.filter { $0.hasSuffix("slow.example.org") }.count == 2)
        #expect(counts.keys.filter { $0.hasSuffix("fast.example.net") }.count == 2)
        #expect(try w.count("c", "failed") == 0)
        #expect(try w.sql("SELECT max(attempts) FROM outbox WHERE state IN ('queued','retry')") == "0",
                "waiting for the rate limit burns no attempt")
        #expect(daemon.stop() == 0)
    }

    @Test func theGlobalRateLimitHoldsTheSendingRate() throws {
        let w = try Workspace.launched(30)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port, extra: ["OUTREACH_DELIVERY_RATE_PER_SECOND": "5"])
        usleep(2_000_000)
        let sent = sink.countsByRecipient().count
        #expect(sent >= 3 && sent <= 16, "about 5 a second, not all 30 at once (\(sent))")
        #expect(daemon.stop() == 0)
    }

    @Test func aMessageOlderThanTheMaximumAgeFails() throws {
        let w = try Workspace.launched(2)
        // Nobody listens on the port: every attempt fails until the messages are too old.
        let daemon = try Daemon(w, smtpPort: freePort(), extra: ["OUTREACH_DELIVERY_MAX_AGE": "3s"])
        #expect(try waitUntil(30) { try w.count("c", "failed") == 2 }, "\(daemon.output)")
        #expect(try w.sql("SELECT last_reply FROM outbox LIMIT 1").hasPrefix("gave up after the maximum age"))
        #expect(try w.finished(within: 5))
        #expect(daemon.stop() == 0)
    }
}

extension Workspace {
    /// A workspace with `people` consenting contacts and campaign "c" (the New Year gathering) launched.
    static func launched(_ people: Int, extra: [String: String] = [:]) throws -> Workspace {
        let w = try Workspace()
        w.environment.merge(extra) { _, n in n }
        try w.importPeople(people)
        try w.launchCampaign()
        return w
    }

    /// Creates and launches campaign "c" for whoever the register holds.
    func launchCampaign() throws {
        #expect(try outreach("campaign", "create", "c", "--template", "new-year-gathering",
                             "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        #expect(try outreach("campaign", "launch", "c").status == 0)
    }

    /// Whether campaign "c" reaches `finished` within `seconds`.
    func finished(within seconds: Double = 60) throws -> Bool {
        try waitUntil(seconds) { try status("c")["status"] as? String == "finished" }
    }
}
