import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// A message older than `delivery.max_age` is given up; one whose reply to the final "." was lost
/// may have arrived, so it becomes `unconfirmed` (resent only by `campaign retry --unconfirmed`).
@Suite struct OutboxGiveUpTests {
    let register: Register
    let t0: Int64 = 1_800_000_000_000
    let lease: Int64 = 600_000

    init() throws {
        register = try Register()
        let rows = try (1...3).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 3,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
        _ = try register.insert(Campaign(slug: "a", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                         eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000))
    }

    var campaign: Int64 { get throws { try register.campaign("a").id! } }

    func claimAll(at now: Int64) throws -> [OutboxClaim] {
        try register.record([], thenClaim: 10, campaignIDs: [try campaign], nowMs: now, leaseMs: lease)
            .sorted { $0.contactID < $1.contactID }
    }

    func record(_ outcomes: [(OutboxClaim, OutboxResult)], at now: Int64) throws {
        _ = try register.record(outcomes, thenClaim: 0, campaignIDs: [], nowMs: now, leaseMs: lease)
    }

    @Test func aLostReplyReachingTheMaximumAgeIsUnconfirmedAndAPlainRetryLeavesIt() throws {
        // Row 1: its reply is lost now, too late for another try. Row 2: lost earlier, and now a
        // 4xx past the maximum age. Row 3: only 4xx replies, past the maximum age.
        var claims = try claimAll(at: t0)
        try record([(claims[1], .retry(reason: "no reply to the final dot", code: nil, nextAttemptMs: t0 + 1, unknownOutcome: true)),
                    (claims[0], .released(nextAttemptMs: t0 + 1)), (claims[2], .released(nextAttemptMs: t0 + 1))], at: t0)
        claims = try claimAll(at: t0 + 1)
        #expect(claims[1].unknownOutcomes == 1)
        try record([(claims[0], .retry(reason: "no reply to the final dot", code: nil, nextAttemptMs: nil, unknownOutcome: true)),
                    (claims[1], .retry(reason: "451 later", code: 451, nextAttemptMs: nil, unknownOutcome: false)),
                    (claims[2], .retry(reason: "451 later", code: 451, nextAttemptMs: nil, unknownOutcome: false))], at: t0 + 2)
        let s = try register.progress("a")
        #expect((s[.unconfirmed], s[.failed]) == (2, 1), "only the row never handed over is failed")
        #expect(try register.requeue("a", from: [.failed]) == 1, "a plain retry resends only the failed row")
        #expect(try register.requeue("a", from: [.failed, .unconfirmed]) == 2, "the unconfirmed ones only when staff ask")
    }
}
