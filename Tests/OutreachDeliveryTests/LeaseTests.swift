import Foundation
@testable import OutreachDelivery
import OutreachModel
import OutreachRegister
import Testing

/// A worker's hold on the rows it claimed, against a relay slower than the lease (issue 22,
/// defect 3): the rows it still holds are renewed, so the scheduler does not hand them out again.
@Suite struct LeaseTests {
    @Test func aRelaySlowerThanTheLeaseDoesNotMakeABatchGoOutTwice() async throws {
        // 8 rows claimed at once under a 60 s lease, on a relay that takes 20 s to answer each
        // final ".": the batch needs 160 s, and the scheduler steps after every reply.
        let bench = try await DeliveryBench(people: people(8), leaseMs: 60_000)
        bench.relay.replyDelayMs = 20_000
        let register = bench.register, clock = bench.clock
        bench.relay.whileReplying = { _ = try? blocking { try await register.advanceCampaigns(nowMs: clock.nowMs()) } }
        let status = try await bench.run(forAtMost: 120) { $0.sent == 8 && $0.sending == 0 && $0.queued == 0 }
        #expect(status.sent == 8)
        for address in people(8) {
            #expect(bench.relay.attempts(address) == 1, "\(address) was sent \(bench.relay.attempts(address)) times")
        }
    }
}
