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

    /// With four workers, two outcomes handed over start a group at once (the committer's writer
    /// thread), before any worker waits: the sync overlaps the workers' next round trips. One
    /// alone waits for a second outcome or for its worker's wait, so groups stay large.
    @Test func halfTheWorkersOutcomesAreWrittenBeforeAnyWorkerWaits() async throws {
        let bench = try await DeliveryBench(people: people(4))
        let committer = bench.context.committer
        let claims = try bench.register.record([], thenClaim: 4, campaignIDs: bench.context.runningCampaigns,
                                               nowMs: bench.clock.nowMs(), leaseMs: 600_000)
        try #require(claims.count == 4)
        func sent() throws -> Int { try CampaignLifecycle(register: bench.register).status(bench.slug).sent }
        func outcome(_ n: Int) -> OutboxResult { .sent(messageID: "<\(n)@example.org>", code: 250, reply: "250 ok", relay: nil) }

        _ = committer.submit([(claims[0], outcome(0))])
        #expect(try sent() == 0, "one outcome alone waits for a second or for its worker")
        let second = committer.submit([(claims[1], outcome(1))])
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try sent() < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try sent() == 2, "the two were written without any worker waiting")

        committer.wait(second)  // already committed: returns at once
        let third = committer.submit([(claims[2], outcome(2))])
        committer.wait(third)  // a worker that must wait writes the group itself, as before
        #expect(try sent() == 3)
        bench.context.stop()
    }
}
