import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

/// The ticket on the RSVP page: a confirmed person sees a QR code per person and guest (inline
/// `data:` PNGs, the only images the page's policy allows), a waitlisted person their place.
@Suite struct TicketPageTests {
    /// zbarimg (Debian zbar-tools) on a PNG: what a phone's camera would read.
    func zbarimg(_ png: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("page-ticket-\(UUID()).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        process.arguments = ["-q", "--raw", file.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aConfirmedPersonsPageShowsEachTicketsQRCodeAndAWaitlistedPersonTheirPlace() async throws {
        let e = try SeatedEvent(capacity: 2, people: 3)
        let (a, b, c) = (e.people[0], e.people[1], e.people[2])
        try await e.fixture.test { client in
            _ = try await e.answer(client, a, "answer=yes&guests=1")
            _ = try await e.answer(client, b, "answer=yes&guests=0")
            _ = try await e.answer(client, c, "answer=yes&guests=0")
            let page = try await client.execute(uri: e.fixture.path(.rsvp, a), method: .get)
            #expect(page.headers[.contentSecurityPolicy] == SecurityHeaders.publicPolicy + "; img-src data:")
            let sources = page.text.components(separatedBy: "src=\"data:image/png;base64,").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            #expect(sources.count == 2, "one QR code for the person, one for their guest")
            var guests: [Int] = []
            for source in sources {
                let code = try zbarimg(Data(base64Encoded: source) ?? Data())
                let ticket = e.fixture.links.tickets.verifier.ticket(code)
                #expect(ticket?.contactID == a.id && ticket?.campaignID == e.fixture.campaign.id, "zbarimg read \(code)")
                guests.append(ticket?.guest ?? -1)
            }
            #expect(guests == [0, 1])
            let waiting = try await client.execute(uri: e.fixture.path(.rsvp, c), method: .get)
            #expect(waiting.text.contains("People ahead of you: 1.") && !waiting.text.contains("<img"))
            #expect(waiting.headers[.contentSecurityPolicy] == SecurityHeaders.publicPolicy)
            #expect(try await client.execute(uri: e.fixture.path(.rsvp, a), method: .head).status == .ok)
        }
    }
}
