import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

/// The check-in routes mounted on an application of their own (as the staff listener will).
@Suite struct CheckinRouteTests {
    func app(_ e: SeatedEvent) -> some ApplicationProtocol {
        let router = Router(context: OutreachRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeadersMiddleware())
        addCheckinRoutes(to: router, desk: TicketDesk(register: e.fixture.register, tickets: e.fixture.links.tickets))
        return Application(router: router)
    }

    func scan(_ client: any TestClientProtocol, _ body: String, language: String = "en") async throws -> [String: Any] {
        let r = try await client.execute(uri: "/checkin/tet", method: .post,
                                         headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: language],
                                         body: ByteBuffer(string: body))
        return try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as! [String: Any]
    }

    @Test func thePageTheRosterAndAScanTwice() async throws {
        let e = try SeatedEvent(capacity: 10, people: 1)
        let person = e.people[0]
        try await e.fixture.test { client in _ = try await e.answer(client, person, "answer=yes&guests=1") }
        let code = e.fixture.links.tickets.code(Ticket(campaignID: e.fixture.campaign.id!, contactID: person.id!, guest: 1))
        try await app(e).test(.router) { client in
            let page = try await client.execute(uri: "/checkin/tet", method: .get, headers: [.acceptLanguage: "vi"])
            #expect(page.status == .ok && String(buffer: page.body).contains("Mã vé"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(try await client.execute(uri: "/checkin/tet", method: .head).status == .ok)
            #expect(try await client.execute(uri: "/checkin/app.js", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/checkin/nope", method: .get).status == .notFound)
            let roster = try await client.execute(uri: "/checkin/tet/roster", method: .get)
            #expect(String(buffer: roster.body).contains(TicketVerifier.hash(code)))
            let first = try await scan(client, "code=\(TicketAlphabet.grouped(code))&at=2027-01-30T18:05:00Z&place=door%20A")
            #expect(first["result"] as? String == "accepted")
            #expect((first["message"] as? String)?.contains("guest 1") == true)
            let second = try await scan(client, "code=\(code)&place=door%20B", language: "vi")
            #expect(second["result"] as? String == "already-scanned")
            #expect(second["first_at"] as? String == "2027-01-30T18:05:00Z" && second["first_place"] as? String == "door A")
            #expect((second["message"] as? String)?.hasPrefix("ĐÃ QUÉT") == true)
            #expect(try await scan(client, "code=ABCDEF")["result"] as? String == "forged")
        }
    }

    func walkIn(_ client: any TestClientProtocol, _ body: String, language: String = "en") async throws -> (HTTPResponse.Status, [String: Any]) {
        let r = try await client.execute(uri: "/checkin/tet/walk-in", method: .post,
                                         headers: [.contentType: "application/x-www-form-urlencoded", .acceptLanguage: language],
                                         body: ByteBuffer(string: body))
        return (r.status, try JSONSerialization.jsonObject(with: Data(String(buffer: r.body).utf8)) as! [String: Any])
    }

    @Test func aWalkInIsAddedAtTheDeskCountedAsCheckedInWithConsentOnlyAsAnswered() async throws {
        let e = try SeatedEvent(capacity: 10, people: 1)
        try await app(e).test(.router) { client in
            let page = try await client.execute(uri: "/checkin/tet", method: .get)
            #expect(String(buffer: page.body).contains("action=\"/checkin/tet/walk-in\""))
            let (status, added) = try await walkIn(client, "name=Tr%E1%BA%A7n%20Th%E1%BB%8B%20Mai&email=mai%40example.org&consent=", language: "vi")
            #expect(status == .ok && added["result"] as? String == "walk-in")
            #expect((added["message"] as? String)?.contains("Trần Thị Mai") == true)
            #expect(try await walkIn(client, "name=&email=x").0 == .badRequest)
            let (badStatus, bad) = try await walkIn(client, "name=Ann&email=not-an-address")
            #expect(badStatus == .badRequest && (bad["message"] as? String)?.contains("email") == true)
            #expect(try await walkIn(client, "name=Bob&consent=yes").0 == .ok)
        }
        let figures = try e.fixture.register.progress("tet")
        #expect(figures.rsvp.checkedIn == 2, "two walk-ins, no ticket scanned")
        let audit = try await e.fixture.register.auditEntries()
        #expect(audit.filter { $0.command == "checkin walk-in" }.count == 2)
        #expect(try e.fixture.register.contact(email: "mai@example.org") == nil, "a walk-in is not made a contact")
    }
}
