import Foundation
import Logging
import OutreachCampaigns
@testable import OutreachDelivery
import OutreachImport
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing

/// The daemon's seat step against the in-process relay, on a clock that moves only when the test
/// says: offers pass on when they expire, each offer and ticket is mailed once, suppression wins,
/// and a refused mail stays owed. (Real mails through smtp-sink: IntegrationTests/EventDayMailTests.)
@Suite struct SeatMailServiceTests {
    /// An invitation to an event with `capacity` seats for `people` (who consented), its seat step
    /// and the fake relay it mails through.
    struct Seats {
        let register: Register
        let clock = FakeClock()
        let relay: FakeRelay
        let service: SeatMailService<ContinuousClock>
        let campaignID: Int64
        let ids: [String: Int64]

        init(capacity: Int, people: [String], script: @escaping FakeRelay.Script = { _, _, _ in .sent(nil) }) async throws {
            register = try Register()
            var importer = ContactImporter()
            importer.source = "seats.csv"
            _ = try importer.importBytes(Array(("email,consent\n" + people.map { "\($0),yes\n" }.joined()).utf8), fileName: "seats.csv", into: register)
            let event = FileManager.default.temporaryDirectory.appendingPathComponent("seats-\(UUID()).yaml")
            let base = try String(contentsOfFile: "\(repositoryRoot)/Config/events/new-year-gathering-2027.yaml", encoding: .utf8)
            try (base + "\ncapacity: \(capacity)\n").write(to: event, atomically: true, encoding: .utf8)
            campaignID = try CampaignLifecycle(register: register).create(slug: "tet", templateName: "new-year-gathering", templatesRoot: "\(repositoryRoot)/Templates",
                                                     eventFile: event.path, segment: "", subject: nil).0.id!
            var settings = Settings()
            settings.templatesPath = "\(repositoryRoot)/Templates"
            relay = FakeRelay(clock: clock, script: script)
            let relay = relay
            let context = DeliveryContext(register: register, settings: settings,
                                          links: Links(baseURL: "https://invite.example.org", signer: LinkSigner(secrets: ["secret"])),
                                          logger: Logger(label: "test"), clock: clock,
                                          makeTransport: { _, url, _ in FakeRelay.Connection(relay: url, fake: relay) })
            service = try SeatMailService(context: context, clock: ContinuousClock())
            var ids: [String: Int64] = [:]
            for p in people { ids[p] = try register.contact(email: p)!.id! }
            self.ids = ids
        }

        func answer(_ who: String, _ answer: RSVP.Answer, guests: Int = 0) async throws {
            _ = try await register.recordRSVP(campaignID: campaignID, contactID: ids[who]!, answer: answer, guests: guests)
        }

        func seat(_ who: String) async throws -> Seat? { try await register.rsvp(campaignID: campaignID, contactID: ids[who]!)?.seat }

        func mailed() -> [String: Int] {
            var counts: [String: Int] = [:]
            for h in relay.handed { counts[h.to, default: 0] += 1 }
            return counts
        }

        @discardableResult
        func step() async throws -> Int { try await service.step(TransportBox()) }
    }

    @Test func anExpiredOfferPassesToTheNextPersonEachMailedOnceAndNobodyHoldsTwo() async throws {
        let s = try await Seats(capacity: 1, people: people(3))
        try await s.answer("p01@example.org", .yes)
        try await s.answer("p02@example.org", .yes)
        try await s.answer("p03@example.org", .yes)
        try await s.step()
        #expect(s.mailed() == ["p01@example.org": 1], "the confirmed person's ticket")
        try await s.answer("p01@example.org", .no)
        try await s.step()
        try await s.step()
        #expect(s.mailed() == ["p01@example.org": 1, "p02@example.org": 1])
        #expect(try await s.seat("p02@example.org") == .offered)
        #expect(try await s.seat("p03@example.org") == .waitlisted)

        s.clock.sleep(ms: 48 * 3_600_000 + 1)  // waitlist.offer_hours (48) pass
        try await s.step()
        try await s.step()
        #expect(try await s.seat("p02@example.org") == nil, "the lapsed offer holds no seat")
        #expect(try await s.seat("p03@example.org") == .offered)
        #expect(s.mailed() == ["p01@example.org": 1, "p02@example.org": 1, "p03@example.org": 1])
    }

    @Test func aSuppressedPersonIsNotMailedAndTheirOfferPassesToTheNextPerson() async throws {
        let s = try await Seats(capacity: 1, people: people(3))
        try await s.answer("p01@example.org", .yes)
        try await s.answer("p02@example.org", .yes)
        try await s.answer("p03@example.org", .yes)
        #expect(try s.register.suppress(try EmailAddress("p02@example.org"), reason: .unsubscribed))
        try await s.answer("p01@example.org", .no)
        try await s.step()
        #expect(try await s.seat("p02@example.org") == nil, "the offer they cannot be told of lapsed")
        try await s.step()
        #expect(try await s.seat("p03@example.org") == .offered)
        #expect(s.mailed()["p02@example.org"] == nil && s.mailed()["p03@example.org"] == 1)
        #expect(try await s.register.dueSeatMail().isEmpty)
    }

    @Test func aMailTheRelayRefusesForNowStaysOwedAndGoesOnceLater() async throws {
        let s = try await Seats(capacity: 2, people: people(1)) { _, _, attempt in
            attempt == 1 ? .transient(reason: "451 4.3.0 try later", code: 451, relayDown: false) : .sent(nil)
        }
        try await s.answer("p01@example.org", .yes, guests: 1)
        #expect(try await s.step() == 0)
        #expect(try await s.register.dueSeatMail().count == 1, "not marked: the relay did not accept it")
        #expect(try await s.step() == 0, "waits its time")
        s.clock.sleep(ms: 60_001)
        #expect(try await s.step() == 1)
        #expect(try await s.step() == 0)
        #expect(s.relay.attempts("p01@example.org") == 2)
    }

    @Test func aRelayThatIsDownHoldsEverySeatMailForItsCoolDown() async throws {
        let s = try await Seats(capacity: 3, people: people(2)) { _, to, attempt in
            to == "p01@example.org" && attempt == 1 ? .transient(reason: "421 4.3.2 shutting down", code: 421, relayDown: true) : .sent(nil)
        }
        try await s.answer("p01@example.org", .yes)
        try await s.answer("p02@example.org", .yes)
        #expect(try await s.step() == 0)
        #expect(try await s.step() == 0)
        #expect(s.relay.handed.count == 1, "one attempt, then the cool-down (delivery.relay_cooldown)")
        s.clock.sleep(ms: 60_001)
        #expect(try await s.step() == 2)
        #expect(s.mailed() == ["p01@example.org": 2, "p02@example.org": 1], "the refused attempt, then each once")
    }

    @Test func moreGuestsOweANewTicketMailWithEveryCode() async throws {
        let s = try await Seats(capacity: 5, people: people(1))
        try await s.answer("p01@example.org", .yes, guests: 0)
        #expect(try await s.step() == 1)
        try await s.answer("p01@example.org", .yes, guests: 2)
        #expect(try await s.register.dueSeatMail().first?.guests == 2)
        #expect(try await s.step() == 1)
        #expect(try await s.step() == 0)
    }

    @Test func aTicketWhoseFinalReplyIsLostIsSentOnceMoreThenLeft() async throws {
        let s = try await Seats(capacity: 2, people: people(1)) { _, _, _ in .unknown(reason: "connection closed after the final dot") }
        try await s.answer("p01@example.org", .yes)
        #expect(try await s.step() == 0)
        s.clock.sleep(ms: 60_001)
        _ = try await s.step()
        s.clock.sleep(ms: 60_001)
        #expect(try await s.step() == 0)
        #expect(s.relay.attempts("p01@example.org") == 2, "sent again at most once")
        #expect(try await s.register.dueSeatMail().isEmpty)
    }
}
