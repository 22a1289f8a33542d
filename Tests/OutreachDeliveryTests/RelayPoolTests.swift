@testable import OutreachDelivery
import Testing

/// When a worker with no relay should look again: at a cool-down's end, not every 10 ms.
@Suite struct RelayPoolTests {
    @Test func relaysFullOfConnectionsGiveNoTimeToWaitFor() {
        let pool = RelayPool(urls: ["smtp://a", "smtp://b"], maxConnections: 1)
        #expect(pool.acquire(keeping: nil, nowMs: 1_000) != nil)
        #expect(pool.acquire(keeping: nil, nowMs: 1_000) != nil)
        #expect(pool.acquire(keeping: nil, nowMs: 1_000) == nil, "both relays hold their one connection")
        #expect(pool.soonestAvailableMs(after: 1_000) == nil, "nothing comes back by time: the worker polls at its slow pace")
    }

    @Test func aCoolingRelayComesBackAtItsTime() {
        let pool = RelayPool(urls: ["smtp://a", "smtp://b"], maxConnections: 1)
        pool.coolDown(0, untilMs: 5_000)
        pool.coolDown(1, untilMs: 3_000)
        #expect(pool.soonestAvailableMs(after: 1_000) == 3_000)
        #expect(pool.soonestAvailableMs(after: 3_000) == 5_000, "a relay back already is not a time to wait for")
        #expect(!pool.anotherIsAvailable(than: 0, nowMs: 2_000))
        #expect(pool.anotherIsAvailable(than: 0, nowMs: 3_000))
    }
}
