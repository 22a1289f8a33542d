import Foundation
import Testing

/// The event day's mails as people get them: the daemon mails each confirmed person their ticket
/// (a QR code per person and guest, read back by zbarimg) and each waitlisted person an offer of
/// a freed seat, once, through smtp-sink; suppressed people get nothing; an offer survives a restart.
@Suite(.serialized) struct EventDayMailTests {
    let life = EventLifeTests()

    /// Four people (vi, en, fr, ko) invited through smtp-sink to the New Year gathering with
    /// `capacity` seats; the daemon keeps running.
    func invited(capacity: Int) throws -> (Workspace, SMTPSink, Daemon, [String: [String: Any]]) {
        let w = try Workspace()
        try w.importPeople(4)
        let base = try String(contentsOf: repositoryRoot.appendingPathComponent(EventLifeTests.event), encoding: .utf8)
        let event = try w.write("event.yaml", base + "\ncapacity: \(capacity)\n")
        #expect(try w.outreach("campaign", "create", "inv", "--template", "new-year-gathering", "--event", event).status == 0)
        #expect(try w.outreach("campaign", "launch", "inv").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try waitUntil(60) { try w.status("inv")["status"] as? String == "finished" }, "\(daemon.output)")
        return (w, sink, daemon, try life.calendars(w, "inv"))
    }

    /// POSTs `body` to a link of ours (an RSVP or a seat page) on the daemon, as the person's browser would.
    func post(_ link: String, _ body: String, port: Int) throws -> String {
        let path = link.range(of: "/r/").map { String(link[$0.lowerBound...].prefix { $0 != "?" }) }
            ?? link.range(of: "/s/").map { String(link[$0.lowerBound...]) } ?? "/missing-link"
        return try Workspace().run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-d", body,
                                                    "http://127.0.0.1:\(port)\(path)"]).stdout
    }

    /// The sink's messages read by check-tickets.py (Python's email package and zbarimg).
    func tickets(_ sink: SMTPSink) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("scripts/check-tickets.py").path, sink.folder.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }

    func mails(_ sink: SMTPSink, to: String, subject: String) throws -> [[String: Any]] {
        try tickets(sink).filter { $0["to"] as? String == to && ($0["subject"] as? String ?? "").contains(subject) }
    }

    @Test func confirmedPeopleGetTicketsThatScanAndWaitlistedPeopleGetOneOfferEachWhenSeatsFree() throws {
        let (w, sink, daemon, invitation) = try invited(capacity: 2)
        defer { daemon.stop() }
        #expect(try post(life.link(invitation, "person-0@example.org", "yes"), "answer=yes&guests=1", port: daemon.httpPort) == "200")
        #expect(try post(life.link(invitation, "person-1@example.org", "yes"), "answer=yes&guests=0", port: daemon.httpPort) == "200")
        #expect(try post(life.link(invitation, "person-2@example.org", "yes"), "answer=yes&guests=0", port: daemon.httpPort) == "200")
        #expect(try w.outreach("contacts", "unsubscribe", "person-2@example.org").status == 0)

        // person-0 (Vietnamese) is confirmed with a guest: one mail, two QR codes, each shown by cid:.
        #expect(try waitUntil(30) { try !mails(sink, to: "person-0@example.org", subject: "Vé tham dự").isEmpty }, "\(daemon.output)")
        let ticket = try mails(sink, to: "person-0@example.org", subject: "Vé tham dự")
        #expect(ticket.count == 1)
        let images = ticket.first?["images"] as? [[String: Any]] ?? []
        #expect(images.count == 2)
        #expect(images.allSatisfy { $0["shown"] as? Bool == true && $0["disposition"] as? String == "inline" })
        #expect((ticket.first?["parts"] as? [String])?.contains("multipart/related") == true)
        #expect((ticket.first?["defects"] as? [String])?.isEmpty == true)
        let codes = images.compactMap { $0["code"] as? String }
        #expect(codes.count == 2 && Set(codes).count == 2, "zbarimg read \(codes)")
        // The codes are in the text too (grouped for reading), and the door accepts each once.
        let text = ticket.first?["text"] as? String ?? ""
        for code in codes { #expect(text.replacingOccurrences(of: "-", with: "").contains(code), "\(code) in \(text)") }
        #expect(try w.outreach("checkin", "inv", codes[0]).status == 0)
        #expect(try w.outreach("checkin", "inv", codes[0]).status == 3, "a second scan is flagged")
        let forged = String(codes[1].dropLast()) + (codes[1].hasSuffix("A") ? "B" : "A")
        #expect(try w.outreach("checkin", "inv", forged).status == 2)

        // person-0 cancels: their guest's code is revoked, and the two seats go to person-1 and
        // person-2 as offers. person-1 (English) gets one offer mail; person-2 is suppressed: no
        // mail, and the offer they cannot be told of lapses at once.
        #expect(try post(life.link(invitation, "person-0@example.org", "no"), "answer=no", port: daemon.httpPort) == "200")
        #expect(try waitUntil(30) { try !mails(sink, to: "person-1@example.org", subject: "A seat is free").isEmpty }, "\(daemon.output)")
        #expect(try w.outreach("checkin", "inv", codes[1]).status == 2, "revoked with the answer")
        let offer = try mails(sink, to: "person-1@example.org", subject: "A seat is free")
        #expect(offer.count == 1)
        let offerText = offer.first?["text"] as? String ?? ""
        #expect(offerText.contains("(Asia/Ho_Chi_Minh)"), "the deadline in the event's zone: \(offerText)")
        let person2 = "SELECT ifnull(seat, 'none') FROM rsvps r JOIN contacts c ON c.id = r.contact_id WHERE c.email = 'person-2@example.org'"
        #expect(try waitUntil(10) { try w.sql(person2) == "none" }, "their offer lapsed at once: they cannot be mailed")

        // person-1 takes the seat: their ticket follows, one QR code that the door accepts.
        let seatLink = offerText.split(whereSeparator: \.isWhitespace).first { $0.contains("/s/") }.map(String.init) ?? ""
        #expect(try post(seatLink, "", port: daemon.httpPort) == "200")
        #expect(try waitUntil(30) { try !mails(sink, to: "person-1@example.org", subject: "Your ticket").isEmpty }, "\(daemon.output)")
        let second = try mails(sink, to: "person-1@example.org", subject: "Your ticket")
        let code = ((second.first?["images"] as? [[String: Any]])?.first?["code"] as? String) ?? ""
        #expect(try w.outreach("checkin", "inv", code).status == 0)
        // Nobody got a mail twice: invitation + ticket, invitation + offer + ticket, invitation only.
        let counts = sink.countsByRecipient()
        #expect(counts["person-0@example.org"] == 2 && counts["person-1@example.org"] == 3 && counts["person-2@example.org"] == 1, "\(counts)")
    }

    @Test func anOfferMadeWhileTheRelayIsDownIsMailedOnceAfterARestart() throws {
        let (w, sink, daemon, invitation) = try invited(capacity: 1)
        #expect(try post(life.link(invitation, "person-0@example.org", "yes"), "answer=yes&guests=0", port: daemon.httpPort) == "200")
        #expect(try post(life.link(invitation, "person-1@example.org", "yes"), "answer=yes&guests=0", port: daemon.httpPort) == "200")
        #expect(try waitUntil(30) { try !mails(sink, to: "person-0@example.org", subject: "Vé tham dự").isEmpty }, "\(daemon.output)")
        sink.stop()
        #expect(try post(life.link(invitation, "person-0@example.org", "no"), "answer=no", port: daemon.httpPort) == "200")
        let offered = "SELECT seat || ':' || (offer_mailed_at_ms IS NOT NULL) FROM rsvps r JOIN contacts c ON c.id = r.contact_id WHERE c.email = 'person-1@example.org'"
        #expect(try waitUntil(30) { try w.sql(offered) == "offered:0" }, "\(daemon.output)")
        #expect(daemon.stop() == 0)

        let again = try SMTPSink(port: sink.port, folder: w.folder.appendingPathComponent("sink-after"))
        let restarted = try Daemon(w, smtpPort: again.port)
        defer { restarted.stop() }
        #expect(try waitUntil(30) { try w.sql(offered) == "offered:1" }, "\(restarted.output)")
        #expect(try mails(again, to: "person-1@example.org", subject: "A seat is free").count == 1)
        #expect(again.countsByRecipient() == ["person-1@example.org": 1])
    }

    @Test func aReminderToConfirmedPeopleCarriesTheirTicketsQRCodes() throws {
        let (w, sink, daemon, invitation) = try invited(capacity: 2)
        defer { daemon.stop() }
        #expect(try post(life.link(invitation, "person-0@example.org", "yes"), "answer=yes&guests=1", port: daemon.httpPort) == "200")
        #expect(try post(life.link(invitation, "person-1@example.org", "yes"), "answer=yes&guests=0", port: daemon.httpPort) == "200")
        #expect(try waitUntil(30) { try !mails(sink, to: "person-0@example.org", subject: "Vé tham dự").isEmpty }, "\(daemon.output)")
        let ticketCodes = Set(((try mails(sink, to: "person-0@example.org", subject: "Vé tham dự").first?["images"] as? [[String: Any]]) ?? [])
            .compactMap { $0["code"] as? String })

        let created = try w.outreach("campaign", "create", "rem", "--reminder-of", "inv", "--template", "event-reminder", "--segment", "rsvp=confirmed")
        #expect(created.status == 0 && created.stdout.contains("1 recipient"), "\(created.stdout) \(created.stderr)")
        #expect(try w.outreach("campaign", "launch", "rem").status == 0)
        #expect(try waitUntil(60) { try w.status("rem")["status"] as? String == "finished" }, "\(daemon.output)")
        let reminders = try tickets(sink).filter { ($0["subject"] as? String ?? "").hasPrefix("Nhắc") || ($0["text"] as? String ?? "").contains("nhắc") }
            .filter { ($0["images"] as? [[String: Any]])?.isEmpty == false }
        #expect(reminders.count == 1 && reminders.first?["to"] as? String == "person-0@example.org", "\(reminders.map { $0["subject"] ?? "" })")
        let images = reminders.first?["images"] as? [[String: Any]] ?? []
        #expect(images.allSatisfy { $0["shown"] as? Bool == true })
        #expect(Set(images.compactMap { $0["code"] as? String }) == ticketCodes, "the same codes as the ticket mail")
        #expect(ticketCodes.count == 2)
    }
}
