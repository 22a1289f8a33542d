import Foundation
import Synchronization

/// Token buckets: one for the whole daemon (messages per second) and one per recipient domain
/// (messages per minute). A domain at its limit is skipped, never waited on, so others go on.
public final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var updated: Double }
    private let perSecond: Double
    private let perDomainPerMinute: Double
    private let state: Mutex<(global: Bucket, domains: [String: Bucket])>

    /// 0 means no limit.
    public init(perSecond: Double, perDomainPerMinute: Double, now: Double = RateLimiter.clock()) {
        self.perSecond = perSecond
        self.perDomainPerMinute = perDomainPerMinute
        state = Mutex((Bucket(tokens: max(1, perSecond), updated: now), [:]))
    }

    public static func clock() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Seconds to wait before the next message may go at all (0: go now; the token is taken).
    public func takeGlobal(now: Double = RateLimiter.clock()) -> Double {
        guard perSecond > 0 else { return 0 }
        return state.withLock { s in
            s.global.tokens = min(max(1, perSecond), s.global.tokens + (now - s.global.updated) * perSecond)
            s.global.updated = now
            if s.global.tokens >= 1 { s.global.tokens -= 1; return 0 }
            return (1 - s.global.tokens) / perSecond
        }
    }

    /// Takes a token for `domain`; when none is left, the seconds until one is.
    public func takeDomain(_ domain: Substring, now: Double = RateLimiter.clock()) -> Double {
        guard perDomainPerMinute > 0 else { return 0 }
        let rate = perDomainPerMinute / 60
        return state.withLock { s in
            var b = s.domains[String(domain)] ?? Bucket(tokens: perDomainPerMinute, updated: now)
            b.tokens = min(perDomainPerMinute, b.tokens + (now - b.updated) * rate)
            b.updated = now
            defer { s.domains[String(domain)] = b }
            if b.tokens >= 1 { b.tokens -= 1; return 0 }
            return (1 - b.tokens) / rate
        }
    }
}
