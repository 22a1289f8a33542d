import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// The outbox's claim and record, with the time given: what a worker takes, what it leaves, and
/// what a crash leaves behind.
@Suite struct OutboxTests {
    let register: Register
    let t0: Int64 = 1_800_000_000_000
    let lease: Int64 = 600_000

    init() throws {
        register = try Register()
        let rows = try (1...5).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 5,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
    }

    /// A launched campaign for everyone, its messages due at `t0`.
    func launched(_ slug: String) throws -> Int64 {
        let c = try register.insert(Campaign(slug: slug, templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                             eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        try register.launch(slug, now: Date(timeIntervalSince1970: Double(t0) / 1000))
        return c.id!
    }

    func claim(_ limit: Int, _ campaigns: [Int64], at now: Int64) throws -> [OutboxClaim] {
        try register.record([], thenClaim: limit, campaignIDs: campaigns, nowMs: now, leaseMs: lease)
    }

    @Test func aClaimTakesDueRowsOfTheNamedCampaignsUpToItsLimitAndLeasesThem() throws {
        let a = try launched("a"), b = try launched("b")
        #expect(try claim(10, [a], at: t0 - 1).isEmpty, "nothing is due before its time")
        let first = try claim(3, [a], at: t0)
        #expect(first.count == 3 && first.allSatisfy { $0.campaignID == a && $0.attempts == 0 })
        #expect(try claim(10, [a], at: t0).count == 2, "claimed rows are not claimed twice")
        #expect(try register.progress("a")[.sending] == 5)
        #expect(try register.progress("b")[.sending] == 0, "another campaign's rows stay queued")
        _ = b
    }

    @Test func eachOutcomeLeavesTheRowInItsState() throws {
        let a = try launched("a")
        let claims = try claim(5, [a], at: t0)
        let outcomes: [OutboxResult] = [
            .sent(messageID: "<m@x>", code: 250, reply: "250 ok", relay: "smtp://relay"),
            .skipped("suppressed (unsubscribed)"),
            .retry(reason: "451 later", code: 451, nextAttemptMs: t0 + 60_000, unknownOutcome: false),
            .failed(reason: "550 5.1.1 unknown", code: 550, refusal: Bounce(source: .smtp, kind: .hard, status: "5.1.1")),
            .released(nextAttemptMs: t0 + 1_000),
        ]
        _ = try register.record(Array(zip(claims, outcomes)), thenClaim: 0, campaignIDs: [], nowMs: t0, leaseMs: lease)
        let s = try register.progress("a")
        #expect((s[.sent], s[.skipped], s[.retry], s[.failed], s[.queued], s[.sending]) == (1, 1, 1, 1, 1, 0))
        let failed = try #require(try register.contact(email: "p\(claims[3].contactID)@example.org"))
        #expect(failed.suppressed, "a 5.1.1 puts the address on the suppression list")
        #expect(try claim(5, [a], at: t0 + 999).isEmpty, "a released row waits for its time")
        #expect(try claim(5, [a], at: t0 + 60_000).map(\.attempts).sorted() == [0, 1], "then the released and the retried rows come back")
    }

    @Test func aLeaseThatRunsOutReturnsTheRowAndTheSchedulerFinishesWhatIsDone() async throws {
        let a = try launched("a")
        #expect(try await register.advanceCampaigns(nowMs: t0).map(\.slug) == ["a"])
        _ = try claim(5, [a], at: t0)
        _ = try await register.advanceCampaigns(nowMs: t0 + lease - 1)
        #expect(try register.progress("a")[.sending] == 5, "a live lease is left alone")
        _ = try await register.advanceCampaigns(nowMs: t0 + lease + 1)
        #expect(try register.progress("a")[.queued] == 5, "an expired lease (a crashed worker) goes back to the queue")
        let claims = try claim(5, [a], at: t0 + lease + 1)
        _ = try register.record(claims.map { ($0, .sent(messageID: "<m>", code: 250, reply: nil, relay: nil)) }, thenClaim: 0,
                                campaignIDs: [], nowMs: t0 + lease + 2, leaseMs: lease)
        #expect(try await register.advanceCampaigns(nowMs: t0 + lease + 3).isEmpty)
        #expect(try register.progress("a").campaign.status == .finished)
    }

    @Test func aScheduledCampaignStartsWhenItsTimeComes() async throws {
        _ = try register.insert(Campaign(slug: "later", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                         eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        let start = Date(timeIntervalSince1970: Double(t0 + 3_600_000) / 1000)
        try register.launch("later", at: start, now: Date(timeIntervalSince1970: Double(t0) / 1000))
        #expect(try register.progress("later").campaign.status == .scheduled)
        #expect(try await register.advanceCampaigns(nowMs: t0 + 3_599_999).isEmpty)
        #expect(try await register.advanceCampaigns(nowMs: t0 + 3_600_000).map(\.slug) == ["later"])
    }
}
