@testable import OutreachDelivery
import OutreachRegister
import Testing

/// The workers keep a composer only for the campaigns running now: the daemon's memory does not
/// grow with every campaign it ever sent.
@Suite struct ComposerCacheTests {
    @Test func aCampaignThatStopsRunningLeavesNoComposerBehind() async throws {
        let bench = try await DeliveryBench(people: people(1))
        let id = try #require(try bench.register.campaign(bench.slug).id)
        #expect(bench.context.composer(id) != nil, "a running campaign has its composer")
        _ = try bench.register.control(bench.slug, .pause)
        try await bench.refresh()
        #expect(bench.context.composer(id) == nil, "a paused one gives it back")
        _ = try bench.register.control(bench.slug, .resume)
        try await bench.refresh()
        #expect(bench.context.composer(id) != nil, "and gets a new one when it runs again")
    }
}
