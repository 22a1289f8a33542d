import OutreachModel
import Testing

/// The daemon's caches keep a bounded number of values, forgetting the least recently used.
@Suite struct RecentlyUsedTests {
    @Test func aFullCacheForgetsTheLeastRecentlyUsedValue() {
        var cache = RecentlyUsed<String, Int>(capacity: 2)
        cache.remember(1, for: "a")
        cache.remember(2, for: "b")
        #expect(cache.value(for: "a") == 1, "a is now used more recently than b")
        cache.remember(3, for: "c")
        #expect(cache.count == 2)
        #expect(cache.value(for: "b") == nil, "b was the least recently used")
        #expect(cache.value(for: "a") == 1 && cache.value(for: "c") == 3)
    }

    @Test func manyDistinctKeysNeverGrowItPastItsCapacity() {
        var cache = RecentlyUsed<String, String>(capacity: 64)
        for i in 0..<10_000 { cache.remember("page \(i)", for: "lang-\(i)") }
        #expect(cache.count == 64)
        #expect(cache.value(for: "lang-9999") == "page 9999")
        #expect(cache.value(for: "lang-0") == nil)
    }

    @Test func replacingAKeyKeepsTheOthers() {
        var cache = RecentlyUsed<Int, Int>(capacity: 2)
        cache.remember(1, for: 1)
        cache.remember(2, for: 2)
        cache.remember(20, for: 2)
        #expect(cache.value(for: 1) == 1 && cache.value(for: 2) == 20)
        cache.keep { $0 == 2 }
        #expect(cache.count == 1)
    }
}
