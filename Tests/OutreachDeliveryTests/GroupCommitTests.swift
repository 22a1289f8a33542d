import Foundation
import OutreachCampaigns
import OutreachRegister
import Testing
@testable import OutreachDelivery

/// Issue 28: the workers' outcomes share group commits, and the rule holds for each worker:
/// what it reported is in the register before its next final ".".
@Suite struct GroupCommitTests {
    /// Four workers, one relay, an instant fake: the relay notes at every final "." how many
    /// messages the register holds as sent. Each message that some worker has gone past (it
    /// reached its next final ".") must be among them by then, whichever worker's commit wrote it.
    @Test func everyOutcomeIsRecordedBeforeItsWorkersNextFinalDot() async throws {
        let count = 160
        let bench = try await DeliveryBench(people: people(count))
        let workers = (1...4).map { DeliveryWorker(number: $0, context: bench.context) }
        let finished = DispatchSemaphore(value: 0)
        for worker in workers { Thread { worker.run(); finished.signal() }.start() }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try CampaignLifecycle(register: bench.register).status(bench.slug).sent < count {
            try await Task.sleep(for: .milliseconds(5))
        }
        bench.context.stop()
        for _ in workers { finished.wait() }

        let handed = bench.relay.handed
        #expect(handed.count == count && Set(handed.map(\.to)).count == count, "each person once")
        #expect(Set(handed.map(\.connection)).count > 1, "several workers sent")
        var before: [Int: Int] = [:]  // connection → messages it handed over so far
        var gonePast = 0  // messages whose worker reached its next final "."
        var late: [String] = []
        for h in handed {
            if before[h.connection, default: 0] > 0 { gonePast += 1 }
            before[h.connection, default: 0] += 1
            if h.sentBefore < gonePast { late.append("\(h.to): \(h.sentBefore) recorded, \(gonePast) owed") }
        }
        #expect(late.isEmpty, "final dots before the outcomes they follow were recorded: \(late.prefix(5))")
    }

    /// The figures the daemon logs at stop: groups, outcomes, and the workers held at a final "."
    /// because their last outcome was not committed yet (a wait that finds it committed is none).
    @Test func theCommitterCountsGroupsAndTheWorkersHeldWaitingForThem() async throws {
        let bench = try await DeliveryBench(people: people(3))
        let committer = bench.context.committer
        let claims = try bench.register.record([], thenClaim: 3, campaignIDs: bench.context.runningCampaigns,
                                               nowMs: bench.clock.nowMs(), leaseMs: 600_000)
        try #require(claims.count == 3)
        func outcome(_ n: Int) -> OutboxResult { .sent(messageID: "<\(n)@example.org>", code: 250, reply: "250 ok", relay: nil) }
        #expect(committer.totals == nil, "nothing written yet")

        let first = committer.submit([(claims[0], outcome(0)), (claims[1], outcome(1))])
        committer.wait(first)
        committer.wait(first)  // committed already: not held
        let second = committer.submit([(claims[2], outcome(2))])
        committer.wait(second)
        let totals = try #require(committer.totals)
        #expect((totals.groups, totals.outcomes, totals.waits) == (2, 3, 2))
        #expect(totals.outcomesPerGroup == 1.5)
        #expect(totals.groupMs > 0 && totals.waitMs >= totals.groupMs * 0.5, "a held worker waited about a group's time")
        #expect(try CampaignLifecycle(register: bench.register).status(bench.slug).sent == 3)
    }
}
