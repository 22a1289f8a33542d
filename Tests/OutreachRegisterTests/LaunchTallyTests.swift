import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// A launch writes the staff tally itself (once for all the rows it queues, with the connection's
/// triggers off): the staff page must still show exactly what the outbox holds, and every write
/// after the launch must keep the tally as the triggers always did.
@Suite struct LaunchTallyTests {
    let register: Register
    let t0: Int64 = 1_800_000_000_000
    let campaignID: Int64

    init() throws {
        register = try Register()
        campaignID = try register.insert(Campaign(slug: "a", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                                  eventSnapshot: nil, segment: "", subject: nil, createdAt: "now")).id!
        try importPeople(1...5)
    }

    func importPeople(_ numbers: ClosedRange<Int>) throws {
        let rows = try numbers.map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: rows.count,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
    }

    /// What the staff page shows (the tally) and what the outbox holds (counted), per state.
    func shownAndHeld() async throws -> (shown: [String: Int], held: [String: Int]) {
        let shown = try #require(try await register.campaignSummaries().first { $0.slug == "a" }).states
        return (shown, try register.outboxCounts(campaignID: campaignID))
    }

    @Test func theStaffPageCountsWhatALaunchQueued() async throws {
        #expect(try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000)).added == 5)
        let (shown, held) = try await shownAndHeld()
        #expect(shown == ["queued": 5])
        #expect(shown == held)
    }

    @Test func aSecondLaunchAddsOnlyTheNewcomersToTheTallyAndALaunchOfNobodyAddsNothing() async throws {
        try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000))
        try importPeople(6...7)
        #expect(try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000)).added == 2)
        #expect(try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000)).added == 0)
        let (shown, held) = try await shownAndHeld()
        #expect(shown == ["queued": 7])
        #expect(shown == held)
    }

    @Test func writesAfterALaunchOnTheSameConnectionStillKeepTheTally() async throws {
        let id = try #require(try register.launch("a", now: Date(timeIntervalSince1970: Double(t0) / 1000)).campaign.id)
        let claims = try register.record([], thenClaim: 3, campaignIDs: [id], nowMs: t0, leaseMs: 600_000)
        _ = try register.record([(claims[0], .sent(messageID: "<m@x>", code: 250, reply: "250 ok", relay: nil))], thenClaim: 0,
                                campaignIDs: [], nowMs: t0, leaseMs: 600_000)
        let (shown, held) = try await shownAndHeld()
        #expect(shown == ["queued": 2, "sending": 2, "sent": 1])
        #expect(shown == held)
    }
}
