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
}
