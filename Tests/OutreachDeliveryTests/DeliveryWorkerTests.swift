import Foundation
import OutreachCampaigns
@testable import OutreachDelivery
import OutreachModel
import OutreachRegister
import Synchronization
import Testing

/// The delivery worker against an in-process relay that refuses, drops and stalls on cue, with a
/// clock that moves only when the worker waits: exact outcomes, in milliseconds. (The same
/// behaviours against Postfix's smtp-sink are in IntegrationTests/DeliveryTests.)
@Suite struct DeliveryWorkerTests {
    @Test func aSoftRefusalIsRetriedAfterTheFirstStepOfTheScheduleThenSent() async throws {
        let bench = try await DeliveryBench(people: people(3), script: { _, _, attempt in
            attempt == 1 ? .transient(reason: "451 4.3.0 try later", code: 451, relayDown: false) : .sent(reply("250 2.0.0 queued"))
        })
        let status = try await bench.run { $0.sent == 3 }
        #expect(status.sent == 3 && status.retry == 0 && status.failed == 0)
        for address in people(3) {
            let times = bench.relay.handed.filter { $0.to == address }.map(\.atMs)
            #expect(times.count == 2, "\(address) was tried twice")
            // The schedule's first step is 60 s, with ±10 % jitter.
            let gap = times[1] - times[0]
            #expect(gap >= 54_000 && gap <= 66_000 + 1_000, "\(address): retried after \(gap) ms")
        }
        let profile = try bench.register.profile(email: "p01@example.org", full: true)
        #expect(profile.messages?.first?.attempts == 2)
        #expect(profile.messages?.first?.lastReply == "250 2.0.0 queued")
    }

    @Test func aDroppedConnectionIsRetriedAndALostFinalReplyIsCountedAsUnknown() async throws {
        let bench = try await DeliveryBench(people: ["drop@example.org", "lost@example.org"], script: { _, to, attempt in
            guard attempt == 1 else { return .sent(nil) }
            return to.hasPrefix("drop") ? .transient(reason: "Connection died", code: nil, relayDown: false)
                : .unknown(reason: "no reply to the end of data")
        })
        let status = try await bench.run { $0.sent == 2 }
        #expect(status.sent == 2)
        #expect(status.unknownOutcomes == 1)
        #expect(bench.relay.attempts("drop@example.org") == 2)
    }

    @Test func aRecipientRefusalFailsAtOnceAndOnlyAnUnknownMailboxIsSuppressed() async throws {
        let bench = try await DeliveryBench(people: ["gone@example.org", "policy@example.org", "fine@example.org"], script: { _, to, _ in
            switch to {
            case "gone@example.org": .permanent(reason: "550 5.1.1 <gone@example.org>: Recipient address rejected", code: 550, enhanced: "5.1.1", stage: .rcptTo)
            case "policy@example.org": .permanent(reason: "554 5.7.1 rejected by policy", code: 554, enhanced: "5.7.1", stage: .rcptTo)
            default: .sent(nil)
            }
        })
        let status = try await bench.run { $0.sent + $0.failed == 3 }
        #expect(status.sent == 1 && status.failed == 2)
        #expect(bench.relay.attempts("gone@example.org") == 1, "a 5xx is never retried")
        #expect(try bench.register.profile(email: "gone@example.org").suppressionReason == "hard-bounce")
        #expect(try bench.register.profile(email: "policy@example.org").suppressed == false)
    }

    @Test func aStalledServerAtShutdownCostsOnlyTheMessageInHandAndLosesNothing() async throws {
        let bench = try await DeliveryBench(people: people(10), stallFor: ["p04@example.org"])
        let worker = DeliveryWorker(number: 1, context: bench.context)
        let finished = DispatchSemaphore(value: 0)
        Thread { worker.run(); finished.signal() }.start()
        bench.relay.waitForStall()
        bench.context.stop()  // SIGTERM while the relay sits on message 4
        bench.relay.release()
        finished.wait()
        let status = try CampaignLifecycle(register: bench.register).status(bench.slug)
        #expect(status.sent == 4, "the message in hand is finished and recorded")
        #expect(status.queued == 6 && status.sending == 0, "the rest of the claimed batch is back in the queue")
        #expect(bench.relay.handed.count == 4)
    }

    /// A worker reads its claimed batch's recipients at once. Whoever unsubscribes after that
    /// (here while the relay sits on an earlier message of the same batch) is skipped all the
    /// same: through this register (the daemon's own pages) or through another connection (the
    /// CLI, seen at the daemon's next commit).
    @Test(arguments: [false, true])
    func anUnsubscribeAfterTheClaimStillStopsTheMessage(fromAnotherProcess: Bool) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("claim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("outreach.sqlite").path
        let bench = try await DeliveryBench(people: people(8), stallFor: ["p03@example.org"], path: path)
        let worker = DeliveryWorker(number: 1, context: bench.context)
        let finished = DispatchSemaphore(value: 0)
        Thread { worker.run(); finished.signal() }.start()
        bench.relay.waitForStall()
        #expect(try CampaignLifecycle(register: bench.register).status(bench.slug).sending >= 6, "p03 to p08 are claimed and read")
        let who = fromAnotherProcess ? try Register(path: path) : bench.register
        try who.unsubscribe(email: "p07@example.org", source: "test", evidence: nil, actor: "test")
        bench.relay.release()
        while try CampaignLifecycle(register: bench.register).status(bench.slug).sending > 0 { try await Task.sleep(for: .milliseconds(5)) }
        bench.context.stop()
        finished.wait()
        let status = try CampaignLifecycle(register: bench.register).status(bench.slug)
        #expect(status.sent == 7 && status.skipped == 1)
        #expect(bench.relay.attempts("p07@example.org") == 0, "nothing went to the address that unsubscribed")
    }

    @Test(arguments: [Register.Control.pause, .cancel])
    func aPauseOrCancelMidBatchStopsTheRestOfTheBatch(_ action: Register.Control) async throws {
        let bench = try await DeliveryBench(people: people(10), stallFor: ["p03@example.org"])
        let worker = DeliveryWorker(number: 1, context: bench.context)
        let finished = DispatchSemaphore(value: 0)
        Thread { worker.run(); finished.signal() }.start()
        bench.relay.waitForStall()
        try bench.register.control(bench.slug, action)
        try await bench.refresh()  // the scheduler's next step tells the workers
        bench.relay.release()
        // The worker goes on idling; nothing more is sent.
        try await Task.sleep(for: .milliseconds(100))
        bench.context.stop()
        finished.wait()
        let status = try CampaignLifecycle(register: bench.register).status(bench.slug)
        #expect(status.sent == 3)
        #expect(bench.relay.handed.count == 3)
        if action == .pause { #expect(status.status == "paused" && status.queued == 7) }
        else { #expect(status.status == "cancelled" && status.cancelled == 7) }
        #expect(status.sending == 0)
    }

    @Test func aBusyDomainWaitsForItsLimitWithoutHoldingUpTheOthers() async throws {
        // The busy domain's messages come first in the queue; the other domain's two come after them.
        let addresses = people(6, at: "slow.example.org") + ["q1@fast.example.net", "q2@fast.example.net"]
        let bench = try await DeliveryBench(people: addresses, settings: { $0.perDomainPerMinute = 2 })
        let start = bench.clock.nowMs()
        try await bench.run { $0.sent == 8 }
        let slow = bench.relay.handed.filter { $0.to.hasSuffix("slow.example.org") }.map { $0.atMs - start }
        let fast = bench.relay.handed.filter { $0.to.hasSuffix("fast.example.net") }.map { $0.atMs - start }
        #expect(fast.count == 2 && fast.allSatisfy { $0 < 1_000 }, "the other domain is not held up: \(fast)")
        #expect(slow.count == 6)
        #expect(slow.filter { $0 < 1_000 }.count == 2, "two go at once (the bucket holds two a minute): \(slow)")
        #expect(slow.sorted()[2] >= 29_000, "the third waits for a token, 30 s at 2 a minute: \(slow)")
    }

    @Test func theGlobalRateSpacesMessagesOut() async throws {
        let bench = try await DeliveryBench(people: people(20), settings: { $0.ratePerSecond = 5 })
        let start = bench.clock.nowMs()
        try await bench.run { $0.sent == 20 }
        let times = bench.relay.handed.map { $0.atMs - start }.sorted()
        // A bucket of 5 to start with, then one every 200 ms: the 20th goes at 3 s.
        #expect(times[4] < 200, "\(times)")
        #expect(times[19] >= 2_900 && times[19] <= 3_600, "\(times)")
    }

    /// Under a rate limit a message can wait long for its token after the register's check; who
    /// unsubscribes meanwhile is not mailed.
    @Test func anUnsubscribeDuringTheRateLimitsWaitStopsTheMessage() async throws {
        let bench = try await DeliveryBench(people: people(3), settings: { $0.ratePerSecond = 1 })
        // A bucket of one: p01 goes at once, p02 has passed its check and waits a second for its token.
        let register = bench.register
        let unsubscribed = Mutex<Result<Bool, any Error>?>(nil)
        bench.clock.duringNextSleep {
            let r = Result { try register.unsubscribe(email: "p02@example.org", source: "test", evidence: nil, actor: "test") }
            unsubscribed.withLock { $0 = r }
        }
        let status = try await bench.run { $0.sent + $0.skipped == 3 }
        #expect(try unsubscribed.withLock { $0 }?.get() == true, "p02 unsubscribed during the wait")
        #expect(status.sent == 2 && status.skipped == 1)
        #expect(bench.relay.attempts("p02@example.org") == 0, "nothing went to the address that unsubscribed while the message waited")
        #expect(bench.relay.attempts("p03@example.org") == 1)
    }

    @Test func aMessageOlderThanTheMaximumAgeFails() async throws {
        let bench = try await DeliveryBench(people: ["late@example.org"], settings: { $0.maxAge = .seconds(200) }, script: { _, _, _ in
            .transient(reason: "451 4.3.0 try later", code: 451, relayDown: false)
        })
        let status = try await bench.run { $0.failed == 1 }
        #expect(status.failed == 1)
        // 60 s, then 300 s would pass the 200 s age: two attempts in all.
        #expect(bench.relay.attempts("late@example.org") == 2)
        #expect(try bench.register.profile(email: "late@example.org", full: true).messages?.first?.lastReply?
            .hasPrefix("gave up after the maximum age") == true)
    }
}
