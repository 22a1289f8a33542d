import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// A person's pause and topics decide at every step, not only at launch: the pause holds through
/// the whole of its day in the office's time zone, and a pause or a topic dropped after the launch
/// stops the messages not yet sent, reminders and notices included.
@Suite struct SendTimePreferenceTests {
    let register: Register

    /// 2027-02-10 23:59 in Cần Thơ (UTC+7), and the next minute: 2027-02-11 00:00 there.
    let lastMinuteOfTheTenth = Date(timeIntervalSince1970: 1_802_278_740)
    var firstMinuteOfTheEleventh: Date { lastMinuteOfTheTenth.addingTimeInterval(60) }

    init() throws {
        register = try Register(officeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!)
        let rows = try (1...3).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 3,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
    }

    func id(_ n: Int) throws -> Int64 { try register.contact(email: "p\(n)@example.org")!.id! }
    func ms(_ date: Date) -> Int64 { Timestamp.milliseconds(date) }

    @discardableResult
    func draft(_ slug: String, topic: String? = nil, parent: Int64? = nil) throws -> Campaign {
        var campaign = Campaign(slug: slug, templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                eventSnapshot: nil, segment: "", subject: nil, createdAt: "now")
        campaign.topic = topic
        campaign.parentId = parent
        return try register.insert(campaign)
    }

    /// Claims every due row of `campaign` and reads who each is at `now`: the addresses that may
    /// be mailed, and the reasons of those that may not.
    func sendTimeCheck(_ campaign: Campaign, at now: Date) throws -> (mailable: [String], skipped: [String]) {
        let claims = try register.record([], thenClaim: 10, campaignIDs: [campaign.id!], nowMs: ms(now), leaseMs: 600_000)
        let read = try register.recipients(for: claims, purpose: { _ in .invitation }, nowMs: ms(now))
        var mailable: [String] = [], skipped: [String] = []
        for result in read.recipients {
            switch result {
            case .success(let r)?: mailable.append(r.email)
            case .failure(let why)?: skipped.append(why.text)
            case nil: break
            }
        }
        _ = try register.record(claims.map { ($0, .released(nextAttemptMs: ms(now))) }, thenClaim: 0, campaignIDs: [], nowMs: ms(now), leaseMs: 0)
        return (mailable.sorted(), skipped)
    }

    @Test func aPauseHoldsThroughTheLastMinuteOfItsDayInTheOfficesZone() async throws {
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(pausedUntil: "2027-02-10"), evidence: "test")
        try draft("late")
        // At 23:59 on the 10th in Cần Thơ (16:59 UTC, already the 10th in UTC for 17 hours) the pause holds.
        #expect(try register.launch("late", now: lastMinuteOfTheTenth).added == 2)
        try draft("next")
        #expect(try register.launch("next", now: firstMinuteOfTheEleventh).added == 3)
    }

    @Test func aPauseEndsWithItsDayWhereThePersonIsWhenTheirBrowserSaidSo() async throws {
        let losAngeles = TimeZone(identifier: "America/Los_Angeles")!
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(pausedUntil: "2027-02-10", pauseZone: losAngeles),
                                                 evidence: "test")
        try draft("cantho-midnight")
        #expect(try register.launch("cantho-midnight", now: firstMinuteOfTheEleventh).added == 2)
        try draft("la-midnight")  // 2027-02-11 00:00 in Los Angeles (UTC-8)
        #expect(try register.launch("la-midnight", now: Date(timeIntervalSince1970: 1_802_332_800)).added == 3)
    }

    @Test func theCheckBeforeEachSendSeesThePauseOnTheOfficesDay() async throws {
        let campaign = try draft("c")
        try register.launch("c", now: lastMinuteOfTheTenth.addingTimeInterval(-86_400))
        _ = try await register.updatePreferences(contactID: try id(2), PreferenceUpdate(pausedUntil: "2027-02-10"), evidence: "test")
        let before = try sendTimeCheck(campaign, at: lastMinuteOfTheTenth)
        #expect(before.mailable == ["p1@example.org", "p3@example.org"])
        #expect(before.skipped == ["paused until 2027-02-10"])
        #expect(try sendTimeCheck(campaign, at: firstMinuteOfTheEleventh).mailable == ["p1@example.org", "p2@example.org", "p3@example.org"])
    }

    @Test func aTopicDroppedAfterTheLaunchStopsTheMessagesNotYetSent() async throws {
        let campaign = try draft("folk", topic: "culture")
        try register.launch("folk", now: lastMinuteOfTheTenth)
        _ = try await register.updatePreferences(contactID: try id(3), PreferenceUpdate(topics: ["trade"]), evidence: "test")
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(topics: ["trade", "culture"]), evidence: "test")
        let check = try sendTimeCheck(campaign, at: lastMinuteOfTheTenth)
        #expect(check.mailable == ["p1@example.org", "p2@example.org"])
        #expect(check.skipped == ["does not follow the topic culture"])
    }

    @Test func aReminderFollowsTheInvitationsTopicAndThePause() async throws {
        let invitation = try draft("folk", topic: "culture")
        try register.launch("folk", now: lastMinuteOfTheTenth)
        let claims = try register.record([], thenClaim: 10, campaignIDs: [invitation.id!], nowMs: ms(lastMinuteOfTheTenth), leaseMs: 600_000)
        _ = try register.record(claims.map { ($0, .sent(messageID: "<m@x>", code: 250, reply: "250 ok", relay: "smtp://relay")) },
                                thenClaim: 0, campaignIDs: [], nowMs: ms(lastMinuteOfTheTenth), leaseMs: 0)
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(topics: ["trade"]), evidence: "test")
        _ = try await register.updatePreferences(contactID: try id(2), PreferenceUpdate(pausedUntil: "2027-02-11"), evidence: "test")
        let reminder = try draft("remind", parent: invitation.id)
        // At its launch: only p3 (p1 left the topic, p2 is paused).
        #expect(try register.launch("remind", now: firstMinuteOfTheEleventh).added == 1)
        // Queued for everyone, then checked before each send: the same answer.
        let notice = try draft("moved", parent: invitation.id)
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(topics: []), evidence: "test")
        #expect(try register.launch("moved", now: firstMinuteOfTheEleventh).added == 2)
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(topics: ["tet"]), evidence: "test")
        let check = try sendTimeCheck(notice, at: firstMinuteOfTheEleventh)
        #expect(check.mailable == ["p3@example.org"])
        #expect(check.skipped == ["does not follow the topic culture"])
        #expect(try sendTimeCheck(reminder, at: firstMinuteOfTheEleventh).mailable == ["p3@example.org"])
    }
}
