import Foundation
import OutreachModel

/// The time as the delivery workers see it, and their waiting. Workers are threads of their own
/// (libcurl blocks), so this is a synchronous clock; tests give them one whose time only moves
/// when the workers wait, so a retry schedule of minutes runs in milliseconds.
public protocol DeliveryClock: Sendable {
    /// Milliseconds since 1970, as the outbox stores due times.
    func nowMs() -> Int64
    /// Seconds on a clock that never jumps (rate limits count with it).
    func monotonicSeconds() -> Double
    /// Waits `ms` milliseconds (at most a second at a time: a worker checks its stop flag between waits).
    func sleep(ms: Int64)
}

/// The machine's clock.
public struct SystemDeliveryClock: DeliveryClock {
    public init() {}
    public func nowMs() -> Int64 { Timestamp.milliseconds() }
    public func monotonicSeconds() -> Double { RateLimiter.clock() }
    public func sleep(ms: Int64) {
        guard ms > 0 else { return }
        usleep(UInt32(ms * 1000))
    }
}
