import Foundation
import GRDB
import OutreachCampaigns
import HummingbirdTesting
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

@Suite struct CheckinTests {
    @Test func aTicketIsAcceptedOnceAndASecondScanSaysWhenAndWhere() async throws {
        let e = try SeatedEvent(capacity: 10, people: 2)
        let person = e.people[0], campaign = e.fixture.campaign.id!
        try await e.fixture.test { client in _ = try await e.answer(client, person, "answer=yes&guests=2") }
        let desk = TicketDesk(register: e.fixture.register, tickets: e.fixture.links.tickets)
        let codes = (0...2).map { e.fixture.links.tickets.code(Ticket(campaignID: campaign, contactID: person.id!, guest: $0)) }
        guard case .accepted(let arrival) = try await desk.scan(codes[0], campaignID: campaign, place: "door A", at: "2027-01-30T18:01:00Z") else {
            Issue.record("the first scan is accepted"); return
        }
        #expect(arrival.name == person.name && arrival.guests == 2 && arrival.guest == 0)
        #expect(try await desk.scan(TicketAlphabet.grouped(codes[0]), campaignID: campaign, place: "door B")
                == .alreadyScanned(arrival, at: "2027-01-30T18:01:00Z", place: "door A"))
        // Each guest has their own ticket, accepted once each.
        for guest in 1...2 {
            guard case .accepted(let a) = try await desk.scan(codes[guest], campaignID: campaign, place: "door A") else {
                Issue.record("guest \(guest) accepted"); continue
            }
            #expect(a.guest == guest)
        }
    }

    @Test func forgedRevokedAndOtherEventsTicketsAreRefused() async throws {
        let e = try SeatedEvent(capacity: 10, people: 2)
        let (a, b) = (e.people[0], e.people[1])
        let campaign = e.fixture.campaign.id!
        try await e.fixture.test { client in
            _ = try await e.answer(client, a, "answer=yes&guests=2")
            _ = try await e.answer(client, b, "answer=yes&guests=0")
        }
        let tickets = e.fixture.links.tickets
        let desk = TicketDesk(register: e.fixture.register, tickets: tickets)
        let forged = LinkSigner(secrets: ["someone else"]).tickets.code(Ticket(campaignID: campaign, contactID: a.id!, guest: 0))
        #expect(try await desk.scan(forged, campaignID: campaign, place: "door") == .forged)
        #expect(try await desk.scan(tickets.code(Ticket(campaignID: campaign + 1, contactID: a.id!, guest: 0)), campaignID: campaign, place: "door") == .otherEvent)
        #expect(try await desk.scan(tickets.code(Ticket(campaignID: campaign, contactID: b.id!, guest: 1)), campaignID: campaign, place: "door") == .revoked,
                "a guest they did not announce")
        // Fewer guests revokes the last guest's code; a no revokes them all.
        try await e.fixture.test { client in _ = try await e.answer(client, a, "answer=yes&guests=1") }
        #expect(try await desk.scan(tickets.code(Ticket(campaignID: campaign, contactID: a.id!, guest: 2)), campaignID: campaign, place: "door") == .revoked)
        try await e.fixture.test { client in _ = try await e.answer(client, a, "answer=no") }
        #expect(try await desk.scan(tickets.code(Ticket(campaignID: campaign, contactID: a.id!, guest: 0)), campaignID: campaign, place: "door") == .revoked)
        // The roster holds exactly the codes honoured now: b's own.
        #expect(try await desk.roster(campaignID: campaign) == [TicketVerifier.hash(tickets.code(Ticket(campaignID: campaign, contactID: b.id!, guest: 0)))])
    }
}

@Suite struct AttendedSegmentTests {
    @Test func attendedYesSelectsExactlyThoseCheckedInAndNoTheOthers() async throws {
        let e = try SeatedEvent(capacity: 50, people: 6)
        let register = e.fixture.register, campaign = e.fixture.campaign.id!
        _ = try register.launch("tet")
        // The invitation went out to everyone (as the daemon would record it).
        let db = try DatabaseQueue(path: register.path!)
        try await db.write { try $0.execute(sql: "UPDATE outbox SET state = 'sent', sent_at_ms = 1") }
        try await e.fixture.test { client in
            for p in e.people.prefix(4) { _ = try await e.answer(client, p, "answer=yes&guests=1") }
        }
        let desk = TicketDesk(register: register, tickets: e.fixture.links.tickets)
        let came = [e.people[0], e.people[2]]
        for p in came { _ = try await desk.scan(e.fixture.links.tickets.code(Ticket(campaignID: campaign, contactID: p.id!, guest: 0)), campaignID: campaign, place: "door") }
        let status = try register.progress("tet")
        #expect(status.rsvp.confirmed == 4 && status.rsvp.waitlisted == 0 && status.rsvp.checkedIn == 2, "campaign status counts the door")
        // A guest of people[1] came without them: that is not people[1] attending.
        _ = try await desk.scan(e.fixture.links.tickets.code(Ticket(campaignID: campaign, contactID: e.people[1].id!, guest: 1)), campaignID: campaign, place: "door")
        func recipients(_ slug: String, _ segment: String) async throws -> Set<String> {
            _ = try CampaignLifecycle(register: register).createReminder(slug: slug, of: "tet", templateName: "event-reminder", templatesRoot: "\(root)/Templates", at: nil, segment: segment)
            _ = try register.launch(slug)
            return Set(try await db.read { try String.fetchAll($0, sql: """
                SELECT k.email FROM outbox o JOIN contacts k ON k.id = o.contact_id JOIN campaigns c ON c.id = o.campaign_id WHERE c.slug = ?
                """, arguments: [slug]) })
        }
        #expect(try await recipients("thanks", "attended=yes") == Set(came.map(\.email)))
        #expect(try await recipients("missed", "rsvp=yes attended=no") == Set([e.people[1].email, e.people[3].email]))
        let unanswered = try await recipients("nudge", "rsvp=none")
        #expect(unanswered.isSuperset(of: [e.people[4].email, e.people[5].email]) && unanswered.isDisjoint(with: e.people.prefix(4).map(\.email)))
        #expect(throws: (any Error).self) { try CampaignLifecycle(register: register).create(slug: "bad", templateName: "new-year-gathering", templatesRoot: "\(root)/Templates",
                                                                 eventFile: nil, segment: "attended=yes", subject: nil) }
    }
}
