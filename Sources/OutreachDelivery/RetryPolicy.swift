import Foundation
import OutreachModel

/// When to try a message again: the schedule's steps (the last one repeats), with ±10 % jitter so
/// retries do not arrive in waves, until the message is older than `maxAge`; then it fails.
public struct RetryPolicy: Sendable {
    public var schedule: [Duration]
    public var maxAge: Duration
    public var jitter: Double = 0.1

    public init(schedule: [Duration], maxAge: Duration) {
        self.schedule = schedule.isEmpty ? [.seconds(60)] : schedule
        self.maxAge = maxAge
    }

    public init(_ settings: Settings) { self.init(schedule: settings.retrySchedule, maxAge: settings.maxAge) }

    /// The next attempt time in ms after failed attempt number `attempts` (1-based), or nil
    /// when the message has been queued for longer than `maxAge` by then.
    public func nextAttempt(afterAttempt attempts: Int, queuedAtMs: Int64, nowMs: Int64,
                            random: Double = Double.random(in: -1...1)) -> Int64? {
        let step = schedule[min(max(attempts, 1), schedule.count) - 1]
        let base = Double(step.components.seconds) * 1000 + Double(step.components.attoseconds) / 1e15
        let delay = Int64(base * (1 + jitter * random))
        let next = nowMs + max(delay, 1)
        let deadline = queuedAtMs + Int64(Double(maxAge.components.seconds) * 1000 + Double(maxAge.components.attoseconds) / 1e15)
        return next > deadline ? nil : next
    }
}
