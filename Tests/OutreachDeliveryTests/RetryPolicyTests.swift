import Foundation
@testable import OutreachDelivery
import Testing

/// When a message is tried again, given the time: pure arithmetic, tested at the jitter's ends.
@Suite struct RetryPolicyTests {
    let policy = RetryPolicy(schedule: [.seconds(60), .seconds(300), .seconds(3600)], maxAge: .seconds(3 * 86_400))

    @Test func eachAttemptTakesItsStepWithinTenPerCentJitter() {
        for (attempt, seconds) in [(1, 60), (2, 300), (3, 3600)] {
            let low = policy.nextAttempt(afterAttempt: attempt, queuedAtMs: 0, nowMs: 1_000, random: -1)!
            let high = policy.nextAttempt(afterAttempt: attempt, queuedAtMs: 0, nowMs: 1_000, random: 1)!
            let middle = policy.nextAttempt(afterAttempt: attempt, queuedAtMs: 0, nowMs: 1_000, random: 0)!
            #expect(low == 1_000 + Int64(seconds) * 900, "attempt \(attempt)")
            #expect(high == 1_000 + Int64(seconds) * 1_100, "attempt \(attempt)")
            #expect(middle == 1_000 + Int64(seconds) * 1_000, "attempt \(attempt)")
        }
    }

    @Test func theLastStepRepeats() {
        #expect(policy.nextAttempt(afterAttempt: 9, queuedAtMs: 0, nowMs: 0, random: 0) == 3_600_000)
    }

    @Test func randomJitterStaysInsideItsBounds() {
        for _ in 0..<1_000 {
            let next = policy.nextAttempt(afterAttempt: 1, queuedAtMs: 0, nowMs: 0)!
            #expect(next >= 54_000 && next <= 66_000)
        }
    }

    @Test func aMessageThatWouldBeRetriedPastItsMaximumAgeIsNot() {
        let day: Int64 = 86_400_000
        #expect(policy.nextAttempt(afterAttempt: 3, queuedAtMs: 0, nowMs: 3 * day - 3_600_000, random: 0) == 3 * day)
        #expect(policy.nextAttempt(afterAttempt: 3, queuedAtMs: 0, nowMs: 3 * day - 3_599_999, random: 0) == nil)
    }
}

/// Token buckets, with the time given.
@Suite struct RateLimiterTests {
    @Test func theGlobalBucketStartsFullThenRefillsAtItsRate() {
        let limiter = RateLimiter(perSecond: 4, perDomainPerMinute: 0, now: 100)
        for _ in 0..<4 { #expect(limiter.takeGlobal(now: 100) == 0) }
        #expect(abs(limiter.takeGlobal(now: 100) - 0.25) < 1e-9, "the fifth waits a quarter second")
        #expect(limiter.takeGlobal(now: 100.25) == 0)
    }

    @Test func aDomainAtItsLimitWaitsAndTheOthersDoNot() {
        let limiter = RateLimiter(perSecond: 0, perDomainPerMinute: 6, now: 0)
        for _ in 0..<6 { #expect(limiter.takeDomain("busy.example", now: 0) == 0) }
        #expect(abs(limiter.takeDomain("busy.example", now: 0) - 10) < 1e-9, "six a minute: one every 10 s")
        #expect(limiter.takeDomain("quiet.example", now: 0) == 0)
        #expect(limiter.takeDomain("busy.example", now: 10) == 0)
    }

    @Test func noLimitNeverWaits() {
        let limiter = RateLimiter(perSecond: 0, perDomainPerMinute: 0)
        for _ in 0..<10_000 { #expect(limiter.takeGlobal() == 0 && limiter.takeDomain("x.example") == 0) }
    }
}
