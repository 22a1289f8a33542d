import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachImport
import OutreachLinks
import OutreachModel
import OutreachRegister
import Synchronization
import Testing
@testable import OutreachWeb

/// A splitmix64 generator: the seed is printed, so a failure can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An event like the New Year gathering with `capacity` seats, and a register on disk (WAL, as the
/// daemon has it) holding `people` more contacts with consent (`guest001@example.org`…).
struct SeatedEvent {
    let fixture: Fixture
    let people: [Contact]

    init(capacity: Int, people count: Int) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("seats-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let event = dir.appendingPathComponent("event.yaml")
        let base = try String(contentsOfFile: "\(root)/Config/events/new-year-gathering-2027.yaml", encoding: .utf8)
        try (base + "\ncapacity: \(capacity)\n").write(to: event, atomically: true, encoding: .utf8)
        let register = try Register(path: dir.appendingPathComponent("outreach.sqlite").path)
        var importer = ContactImporter()
        importer.source = "seats.csv"
        let emails = (1...max(count, 1)).prefix(count).map { "guest\(String(format: "%03d", $0))@example.org" }
        let csv = "email,name,language,consent\n" + emails.map { "\($0),Guest \($0.prefix(8)),en,yes\n" }.joined()
        _ = try importer.importBytes(Array(csv.utf8), fileName: "seats.csv", into: register)
        fixture = try Fixture(eventFile: event.path, register: register)
        people = try emails.map { try register.contact(email: $0)! }
    }

    func answer(_ client: any TestClientProtocol, _ contact: Contact, _ body: String) async throws -> TestResponse {
        try await client.execute(uri: fixture.path(.rsvp, contact), method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    func rsvp(_ contact: Contact) async throws -> RSVP? {
        try await fixture.register.rsvp(campaignID: fixture.campaign.id!, contactID: contact.id!)
    }

    /// Seats held now (confirmed and offered), and every row.
    func rows() async throws -> [(contact: Contact, rsvp: RSVP)] {
        var rows: [(Contact, RSVP)] = []
        for p in people { if let r = try await rsvp(p) { rows.append((p, r)) } }
        return rows
    }
}

@Suite struct SeatTests {
    @Test func fourHundredSimultaneousYesesFillThreeHundredSeatsExactlyAndWaitlistTheRestInOrder() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("SeatTests seed \(seed)")
        var g = SeededGenerator(state: seed)
        let e = try SeatedEvent(capacity: 300, people: 400)
        let guests = e.people.map { _ in Int.random(in: 0...3, using: &g) }
        let collected = Mutex([String](repeating: "", count: e.people.count))
        try await e.fixture.test { client in
            try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (i, person) in e.people.enumerated() {
                    group.addTask { (i, try await e.answer(client, person, "answer=yes&guests=\(guests[i])").text) }
                }
                for try await (i, text) in group { collected.withLock { $0[i] = text } }
            }
        }
        let pages = collected.withLock { $0 }
        let rows = try await e.rows()
        #expect(rows.count == 400)
        let confirmed = rows.filter { $0.rsvp.seat == .confirmed }, waiting = rows.filter { $0.rsvp.seat == .waitlisted }
        #expect(confirmed.count + waiting.count == 400, "seed \(seed)")
        let seats = confirmed.reduce(0) { $0 + 1 + $1.rsvp.guests }
        #expect(seats <= 300, "seed \(seed)")
        // In the order answers were recorded (row ids), every confirmed answer came before the first
        // waitlisted one, and the waitlist keeps that order.
        let byArrival = rows.sorted { $0.rsvp.id! < $1.rsvp.id! }
        let firstWaiting = try #require(byArrival.firstIndex { $0.rsvp.seat == .waitlisted })
        #expect(byArrival[..<firstWaiting].allSatisfy { $0.rsvp.seat == .confirmed }, "seed \(seed)")
        #expect(byArrival[firstWaiting...].map { $0.rsvp.waitlistPosition! } == Array(1...waiting.count), "seed \(seed)")
        // Exactly filled: the first one waiting did not fit in the seats left.
        #expect(300 - seats < 1 + byArrival[firstWaiting].rsvp.guests, "seed \(seed)")
        // Each page said what the person got, and a waitlisted one how many are ahead.
        for (i, person) in e.people.enumerated() {
            let r = try #require(rows.first { $0.contact.id == person.id }?.rsvp)
            if r.seat == .confirmed {
                #expect(pages[i].contains("data-seat=\"confirmed\"") && pages[i].contains("Your seat is confirmed."))
                #expect(pages[i].components(separatedBy: "class=\"ticket\"").count - 1 == 1 + r.guests, "a ticket each for them and their guests")
            } else {
                #expect(pages[i].contains("you are on the waiting list") && pages[i].contains("People ahead of you: \(r.waitlistPosition! - 1)."))
            }
        }
    }

    @Test func cancellationsAreOfferedToTheNextPeopleAndExpiredOffersPassOn() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("SeatTests seed \(seed)")
        var g = SeededGenerator(state: seed)
        let e = try SeatedEvent(capacity: 300, people: 400)
        let register = e.fixture.register
        let guests = e.people.map { _ in Int.random(in: 0...3, using: &g) }
        let order = (0..<1000).map { _ in UInt64.random(in: 0...UInt64.max, using: &g) }
        try await e.fixture.test { client in
            for (i, person) in e.people.enumerated() { _ = try await e.answer(client, person, "answer=yes&guests=\(guests[i])") }
            let confirmed = try await e.rows().filter { $0.rsvp.seat == .confirmed }
            var shuffle = SeededGenerator(state: order[0])
            for (person, _) in confirmed.shuffled(using: &shuffle).prefix(20) { _ = try await e.answer(client, person, "answer=no") }
        }
        var now: Int64 = 1_800_000_000_000
        var everOffered: Set<Int64> = []
        func check(_ step: WaitlistStep) async throws {
            let rows = try await e.rows()
            let held = rows.filter { $0.rsvp.seat == .confirmed || $0.rsvp.seat == .offered }.reduce(0) { $0 + 1 + $1.rsvp.guests }
            #expect(held <= 300, "seed \(seed)")
            for offer in step.offered {
                #expect(!everOffered.contains(offer.contactID), "nobody is offered twice (seed \(seed))")
                everOffered.insert(offer.contactID)
            }
            // Offers go to the head of the waitlist: everyone still waiting is behind everyone offered.
            let waiting = rows.filter { $0.rsvp.seat == .waitlisted }
            if let next = waiting.min(by: { $0.rsvp.waitlistPosition! < $1.rsvp.waitlistPosition! }) {
                #expect(held + 1 + next.rsvp.guests > 300, "the next one waiting does not fit (seed \(seed))")
            }
        }
        let first = try await register.offerFreedSeats(nowMs: now, offerDuration: .seconds(48 * 3600))
        #expect(!first.offered.isEmpty && first.expired.isEmpty)
        try await check(first)
        // A step while the offers stand changes nothing.
        #expect(try await register.offerFreedSeats(nowMs: now + 1000, offerDuration: .seconds(48 * 3600)) == WaitlistStep())
        // One person takes theirs; the others let it lapse.
        let taker = first.offered[0]
        #expect(try await register.takeOffer(campaignID: taker.campaignID, contactID: taker.contactID, nowMs: now + 3_600_000) == .confirmed)
        now += 48 * 3_600_000
        let second = try await register.offerFreedSeats(nowMs: now, offerDuration: .seconds(48 * 3600))
        #expect(Set(second.expired.map(\.contactID)) == Set(first.offered.dropFirst().map(\.contactID)))
        try await check(second)
        // A lapsed offer cannot be taken any more.
        if let lapsed = second.expired.first {
            #expect(try await register.takeOffer(campaignID: lapsed.campaignID, contactID: lapsed.contactID, nowMs: now) == .noOffer(seat: nil))
        }
        #expect(try await e.rsvp(e.people.first { $0.id == taker.contactID }!)?.seat == .confirmed)
    }

    @Test func theSeatPageTakesAnOfferOnPostOnlyAndShowsTheTickets() async throws {
        let e = try SeatedEvent(capacity: 2, people: 2)
        let (a, b) = (e.people[0], e.people[1])
        let seatPath = "/s/\(e.fixture.links.signer.token(.seat, contactID: b.id!, campaignID: e.fixture.campaign.id!))"
        try await e.fixture.test { client in
            _ = try await e.answer(client, a, "answer=yes&guests=1")
            let waiting = try await e.answer(client, b, "answer=yes&guests=0")
            #expect(waiting.text.contains("People ahead of you: 0."))
            _ = try await e.answer(client, a, "answer=yes&guests=0")
            _ = try await e.fixture.register.offerFreedSeats(nowMs: Int64(Date().timeIntervalSince1970 * 1000), offerDuration: .seconds(3600))
            let page = try await client.execute(uri: seatPath, method: .get)
            #expect(page.status == .ok && page.text.contains("<form method=\"post\""))
            #expect(try await e.rsvp(b)?.seat == .offered, "a GET takes nothing")
            let taken = try await client.execute(uri: seatPath, method: .post)
            #expect(taken.text.contains("Your seat is confirmed.") && taken.text.contains("class=\"ticket\""))
        }
        #expect(try await e.rsvp(b)?.seat == .confirmed)
    }
}
