import Synchronization

/// The relays of `smtp.url` and what each can take now. Workers spread over them, at most
/// `maxConnections` on each; a relay that refuses connections or answers 421 cools down, one that
/// fails TLS or the login is faulted for the cool-down too, and the others take its share.
final class RelayPool: Sendable {
    struct Relay: Sendable {
        let url: String
        var connections = 0
        /// Not used before this time (a cool-down or a fault).
        var unavailableUntilMs: Int64 = 0
        /// Why it is faulted (its reply and what to change); nil when it is not.
        var fault: String?
        /// Whether the register was told it is cooling or faulted (and must hear it is up again).
        var reportedDown = false
    }

    let maxConnections: Int
    private let relays: Mutex<[Relay]>

    init(urls: [String], maxConnections: Int) {
        self.maxConnections = maxConnections
        relays = Mutex(urls.map { Relay(url: $0) })
    }

    /// A relay for a worker now: `current` while it is available, else the available one with
    /// the fewest connections (the worker then holds a connection on it). nil: none is.
    func acquire(keeping current: Int?, nowMs: Int64) -> Int? {
        relays.withLock { r in
            if let current, r[current].unavailableUntilMs <= nowMs { return current }
            if let current { r[current].connections -= 1 }
            let candidates = r.indices.filter { r[$0].unavailableUntilMs <= nowMs && r[$0].connections < maxConnections }
            guard let best = candidates.min(by: { r[$0].connections < r[$1].connections }) else { return nil }
            r[best].connections += 1
            r[best].fault = nil
            return best
        }
    }

    /// Gives a worker's connection back (it stops).
    func release(_ index: Int) { relays.withLock { $0[index].connections -= 1 } }

    func url(_ index: Int) -> String { relays.withLock { $0[index].url } }

    func isAvailable(_ index: Int, nowMs: Int64) -> Bool { relays.withLock { $0[index].unavailableUntilMs <= nowMs } }

    /// The relay is down (refused connection, 421): nobody uses it before `untilMs`.
    func coolDown(_ index: Int, untilMs: Int64) {
        relays.withLock {
            $0[index].unavailableUntilMs = max($0[index].unavailableUntilMs, untilMs)
            $0[index].reportedDown = true
        }
    }

    /// The relay accepted a message: true when it had been reported down (tell the register it is up).
    func markUp(_ index: Int) -> Bool {
        relays.withLock { r in
            defer { r[index].reportedDown = false }
            return r[index].reportedDown
        }
    }

    /// The relay's own fault: nobody uses it before `untilMs` (or a resume). Returns whether every
    /// relay is now faulted (then nothing can be sent and the campaigns pause).
    func fault(_ index: Int, reason: String, untilMs: Int64) -> Bool {
        relays.withLock { r in
            r[index].fault = reason
            r[index].reportedDown = true
            r[index].unavailableUntilMs = max(r[index].unavailableUntilMs, untilMs)
            return r.allSatisfy { $0.fault != nil }
        }
    }

    /// Faults are forgotten (a campaign was resumed): every relay is tried again.
    func clearFaults() {
        relays.withLock { r in for i in r.indices where r[i].fault != nil { r[i].fault = nil; r[i].unavailableUntilMs = 0 } }
    }

    /// When the first relay cooling down or faulted after `nowMs` comes back; nil when none is
    /// (every relay is up: a worker waits for a connection to be released, not for a time).
    func soonestAvailableMs(after nowMs: Int64) -> Int64? {
        relays.withLock { r in r.map(\.unavailableUntilMs).filter { $0 > nowMs }.min() }
    }

    /// Whether some relay other than `index` can be used at `nowMs` (not cooling down or faulted).
    func anotherIsAvailable(than index: Int, nowMs: Int64) -> Bool {
        relays.withLock { r in r.indices.contains { $0 != index && r[$0].unavailableUntilMs <= nowMs } }
    }
}
