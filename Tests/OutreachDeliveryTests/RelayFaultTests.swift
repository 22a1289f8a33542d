import Foundation
import OutreachCampaigns
@testable import OutreachDelivery
import OutreachModel
import OutreachRegister
import Testing

/// Whose fault a refusal is decides what happens: the relay's faults pause the campaign and harm
/// nobody; a message's outcome is in the register before the next message goes.
@Suite struct RelayFaultTests {
    @Test func aRelayFaultPausesTheCampaignWithItsReasonAndFailsNobody() async throws {
        let bench = try await DeliveryBench(people: people(5), script: { _, _, _ in
            .relayFault(reason: "the relay refused the login: 535 5.7.8 authentication failed", fix: "check smtp.username and the password")
        })
        let status = try await bench.run { $0.status == "paused" }
        #expect(status.status == "paused")
        #expect(status.failed == 0 && status.sent == 0 && status.queued == 5, "nobody is failed: \(status)")
        #expect(status.reason?.contains("535 5.7.8") == true, "\(status.reason ?? "no reason")")
        #expect(status.reason?.contains("smtp.username") == true, "the reason says what to change")
        #expect(try bench.register.profile(email: "p01@example.org").suppressed == false)
        #expect(bench.relay.handed.count == 1, "one try is enough to know")

        // Fixed and resumed: everything goes.
        try bench.register.control(bench.slug, .resume)
        let healed = try await DeliveryBench.resume(bench, script: { _, _, _ in .sent(nil) })
        #expect(healed.sent == 5 && healed.reason == nil)
    }

    @Test func theSameRefusalAfterDataTwentyTimesInARowPausesTheCampaign() async throws {
        let bench = try await DeliveryBench(people: people(30), script: { _, _, _ in
            .permanent(reason: "554 5.7.0 message refused by policy", code: 554, enhanced: "5.7.0", stage: .endOfData)
        })
        let status = try await bench.run { $0.status == "paused" }
        #expect(status.failed == DeliveryContext.refusalsBeforePause, "\(status)")
        #expect(status.queued == 30 - DeliveryContext.refusalsBeforePause)
        #expect(status.reason?.contains("refused 20 messages in a row") == true, "\(status.reason ?? "")")
        #expect(try bench.register.profile(email: "p01@example.org").suppressed == false, "a refused message suppresses nobody")
        // After the fix, `campaign retry` puts the failed ones back.
        #expect(try CampaignLifecycle(register: bench.register).retry(bench.slug, unconfirmed: false) == 20)
    }

    @Test func recipientRefusalsDoNotPauseTheCampaign() async throws {
        let bench = try await DeliveryBench(people: people(25), script: { _, to, _ in
            .permanent(reason: "550 5.1.1 <\(to)>: Recipient address rejected", code: 550, enhanced: "5.1.1", stage: .rcptTo)
        })
        let status = try await bench.run { $0.failed == 25 }
        #expect(status.failed == 25 && status.status != "paused")
    }

    @Test func aLostFinalReplyIsSentOnceMoreThenMarkedUnconfirmedAndNeverAgain() async throws {
        let bench = try await DeliveryBench(people: ["lost@example.org", "fine@example.org"], script: { _, to, _ in
            to == "lost@example.org" ? .unknown(reason: "no reply to the end of data") : .sent(nil)
        })
        let status = try await bench.run { $0.unconfirmed == 1 && $0.sent == 1 }
        #expect(status.unconfirmed == 1)
        #expect(bench.relay.attempts("lost@example.org") == 2, "sent again once, no more")
        // Idle for hours of the fake clock: still never a third time.
        _ = try await bench.run(forAtMost: 0.3) { _ in false }
        #expect(bench.relay.attempts("lost@example.org") == 2)
        #expect(try CampaignLifecycle(register: bench.register).retry(bench.slug, unconfirmed: false) == 0, "a plain retry leaves it alone")
        #expect(try CampaignLifecycle(register: bench.register).retry(bench.slug, unconfirmed: true) == 1, "--unconfirmed asks for it")
    }

    @Test func eachOutcomeIsCommittedBeforeTheNextMessageGoes() async throws {
        let bench = try await DeliveryBench(people: people(12))
        _ = try await bench.run { $0.sent == 12 }
        let handed = bench.relay.handed
        #expect(handed.count == 12)
        // One worker: when message n is handed over, the n - 1 before it are recorded as sent.
        for (n, h) in handed.enumerated() { #expect(h.sentBefore == n, "message \(n + 1) went with \(h.sentBefore) recorded") }
    }

    @Test func aRelayThatIsDownLeavesItsShareToTheOthers() async throws {
        let bench = try await DeliveryBench(people: people(10), settings: { $0.smtpURL = "smtp://down.example:25,smtp://up.example:25" },
                                            script: { relay, _, _ in
            relay.contains("down") ? .transient(reason: "relay unavailable: Couldn't connect", code: nil, relayDown: true) : .sent(nil)
        })
        let status = try await bench.run { $0.sent == 10 }
        #expect(status.sent == 10 && status.failed == 0)
        #expect(bench.relay.handed.filter { $0.relay.contains("down") }.count <= 1, "one refusal and it cools down")
        let up = try #require(status.relays.first { $0.url.contains("up.example") })
        #expect(up.sent == 10)
        #expect(status.relays.first { $0.url.contains("down") }?.state == "cooling")
    }
}

extension DeliveryBench {
    /// The same register and campaign, a fresh context (as after `campaign resume` the daemon goes
    /// on): runs until everything is sent.
    static func resume(_ old: DeliveryBench, script: @escaping FakeRelay.Script) async throws -> CampaignStatus {
        let relay = FakeRelay(clock: old.clock, script: script)
        let context = DeliveryContext(register: old.register, settings: old.context.settings, links: old.context.links,
                                      logger: old.context.logger, clock: old.clock,
                                      makeTransport: { _, url, _ in FakeRelay.Connection(relay: url, fake: relay) })
        context.setRunning(try await old.register.advanceCampaigns(nowMs: old.clock.nowMs()))
        let worker = DeliveryWorker(number: 1, context: context)
        let finished = DispatchSemaphore(value: 0)
        Thread { worker.run(); finished.signal() }.start()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try CampaignLifecycle(register: old.register).status(old.slug).sent < 5 { try await Task.sleep(for: .milliseconds(5)) }
        context.stop()
        finished.wait()
        return try CampaignLifecycle(register: old.register).status(old.slug)
    }
}
