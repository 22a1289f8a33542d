import Foundation
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
