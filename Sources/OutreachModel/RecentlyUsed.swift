/// A cache of at most `capacity` values: when a new one comes to a full cache, the value used
/// least recently is forgotten. The daemon's caches (pages, campaign facts, composers) use it, so
/// their memory has a bound whatever the requests (a language or a token made up per request).
/// Not synchronized: keep it inside a `Mutex`.
public struct RecentlyUsed<Key: Hashable, Value> {
    /// The most values kept.
    public let capacity: Int
    private var entries: [Key: (value: Value, used: UInt64)] = [:]
    private var tick: UInt64 = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a cache keeps at least one value")
        self.capacity = capacity
    }

    /// How many values are kept.
    public var count: Int { entries.count }

    /// The value kept for `key`, now the most recently used; nil when none is.
    public mutating func value(for key: Key) -> Value? {
        guard let found = entries[key] else { return nil }
        tick += 1
        entries[key] = (found.value, tick)
        return found.value
    }

    /// Keeps `value` for `key`, forgetting the least recently used value if the cache is full.
    public mutating func remember(_ value: Value, for key: Key) {
        if entries[key] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.used < $1.value.used })?.key {
            entries[oldest] = nil
        }
        tick += 1
        entries[key] = (value, tick)
    }

    /// Forgets every value whose key does not satisfy `keep`.
    public mutating func keep(where keep: (Key) -> Bool) {
        entries = entries.filter { keep($0.key) }
    }
}

extension RecentlyUsed: Sendable where Key: Sendable, Value: Sendable {}
