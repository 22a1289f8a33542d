import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// A claim carries its lease: outcomes land only on rows the claim still holds, renewals keep
/// them held, and a lost lease is reported, never silently ignored (issue 22, defect 3).
@Suite struct OutboxLeaseTests {
    let register: Register
    let t0: Int64 = 1_800_000_000_000
    let lease: Int64 = 60_000

    init() throws {
        register = try Register()
        let rows = try (1...2).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 2,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
        _ = try register.insert(Campaign(slug: "a", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                         eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000))
    }

    var campaign: Int64 { get throws { try #require(try register.campaign("a").id) } }

    func claim(at now: Int64) throws -> [OutboxClaim] {
        try register.record([], thenClaim: 10, campaignIDs: [try campaign], nowMs: now, leaseMs: lease)
    }

    func sent(_ claim: OutboxClaim, id: String) -> (OutboxClaim, OutboxResult) {
        (claim, .sent(messageID: id, code: 250, reply: "250 ok", relay: nil))
    }

    @Test func anOutcomeAfterTheLeaseWasLostIsReportedAndDoesNotLandOnTheNewClaim() async throws {
        let first = try claim(at: t0)
        #expect(first.count == 2 && first.allSatisfy { $0.lease.untilMs == t0 + lease })
        _ = try await register.advanceCampaigns(nowMs: t0 + lease + 1)  // the first worker stalled past its lease
        let second = try claim(at: t0 + lease + 2)
        #expect(second.count == 2 && second[0].lease.token != first[0].lease.token)
        let lost = try register.recordOutcomes([sent(first[0], id: "<late@x>")], renewing: [first[1]], nowMs: t0 + lease + 3, leaseMs: lease)
        #expect(Set(lost.map(\.row)) == Set(first.map(\.row)), "both the late outcome and the renewal are reported lost")
        #expect(try register.progress("a")[.sending] == 2, "the second claim still holds both rows")
        let none = try register.recordOutcomes(second.map { sent($0, id: "<m\($0.contactID)@x>") }, renewing: [], nowMs: t0 + lease + 4,
                                               leaseMs: lease)
        #expect(none.isEmpty)
        #expect(try register.progress("a")[.sent] == 2)
        let ids = try register.profile(email: "p1@example.org", full: true).messages?.map(\.messageId)
        #expect(ids?.contains("<late@x>") == false, "the late outcome did not overwrite the row")
    }

    @Test func aRenewedLeaseOutlivesItsFirstEnd() async throws {
        let rows = try claim(at: t0)
        #expect(try register.recordOutcomes([sent(rows[0], id: "<m1@x>")], renewing: [rows[1]], nowMs: t0 + lease / 2, leaseMs: lease).isEmpty)
        _ = try await register.advanceCampaigns(nowMs: t0 + lease + 1)
        #expect(try register.progress("a")[.sending] == 1, "the renewed row is still held")
        #expect(try register.recordOutcomes([sent(rows[1], id: "<m2@x>")], renewing: [], nowMs: t0 + lease + 2, leaseMs: lease).isEmpty)
        #expect(try register.progress("a")[.sent] == 2)
    }
}

/// A cancel that comes while a message is being tried (issue 22, defect 9).
@Suite struct OutboxCancelRaceTests {
    @Test func aSoftRefusalThatRacedACancelLeavesTheRowCancelledNotWaiting() throws {
        let register = try Register()
        let t0: Int64 = 1_800_000_000_000
        let rows = [try ImportedContact(row: 2, address: EmailAddress("p1@example.org"), consentGiven: true)]
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 1,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
        let c = try register.insert(Campaign(slug: "a", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                             eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000))
        let claims = try register.record([], thenClaim: 1, campaignIDs: [c.id!], nowMs: t0, leaseMs: 60_000)
        _ = try register.control("a", .cancel)  // while the relay answers 451
        let lost = try register.recordOutcomes([(claims[0], .retry(reason: "451 later", code: 451, nextAttemptMs: t0 + 60_000,
                                                                    unknownOutcome: false))],
                                               renewing: [], nowMs: t0 + 1, leaseMs: 60_000)
        #expect(lost.isEmpty)
        let status = try register.progress("a")
        #expect(status[.cancelled] == 1 && status[.retry] == 0, "nothing waits in a cancelled campaign")
    }
}
