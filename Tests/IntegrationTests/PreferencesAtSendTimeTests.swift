import Foundation
import Testing

/// A pause or a topic a person sets on their preference page after a campaign was launched stops
/// the messages of it not yet sent to them, invitations, reminders and notices alike; the others
/// still get theirs (what smtp-sink receives).
@Suite struct PreferencesAtSendTimeTests {
    let people = ["ann", "bao", "chi", "dan"].map { "\($0)@example.org" }

    /// Each person's preference page path (`/p/…`), from a preview of `slug`.
    func preferencePages(_ w: Workspace, _ slug: String) throws -> [String: String] {
        #expect(try w.outreach("campaign", "preview", slug, "--out", w.path("preview-\(slug)")).status == 0)
        var pages: [String: String] = [:]
        let regex = try Regex("/p/[A-Za-z0-9_~-]{20,}")
        for message in try parseWithPython([w.path("preview-\(slug)")]) {
            guard let to = message["to_address"] as? String, let html = message["html"] as? String,
                  let found = html.firstMatch(of: regex) else { continue }
            pages[to] = String(html[found.range])
        }
        return pages
    }

    /// One form POST; the status code.
    func post(_ port: Int, _ path: String, _ body: String) -> Int {
        guard let c = RawConnection(port: port) else { return 0 }
        let request = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        return Int((c.exchange(request, within: 10) ?? "").split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    func finished(_ w: Workspace, _ slug: String) throws -> Bool {
        try waitUntil(60) { try w.status(slug)["status"] as? String == "finished" }
    }

    /// Who received the messages `sink` holds.
    func recipients(_ sink: SMTPSink) -> [String] { sink.messages().map(\.recipient).sorted() }

    @Test func aPauseOrATopicSetAfterTheLaunchStopsWhatWasNotSentYet() throws {
        let w = try Workspace()
        try w.write("c.csv", "email,name,language,consent\n" + people.map { "\($0),\($0.prefix(3)),en,yes\n" }.joined())
        #expect(try w.outreach("contacts", "import", w.path("c.csv")).status == 0)
        #expect(try w.outreach("campaign", "create", "folk", "--template", "folk-cake-festival",
                               "--event", "Config/events/folk-cake-festival-2027.yaml").status == 0)  // topic: culture
        let pages = try preferencePages(w, "folk")
        #expect(pages.count == 4)
        let smtpPort = freePort()

        // The invitation: launched and held; Ann pauses; then it goes.
        var sink = try SMTPSink(port: smtpPort, folder: w.folder.appendingPathComponent("sink-folk"))
        #expect(try w.outreach("campaign", "launch", "folk", "--yes").status == 0)
        #expect(try w.outreach("campaign", "pause", "folk").status == 0)
        var daemon = try Daemon(w, smtpPort: smtpPort)
        #expect(post(daemon.httpPort, pages[people[0]]!, "pause_until=2099-12-31") == 200)
        #expect(try w.outreach("campaign", "resume", "folk").status == 0)
        #expect(try finished(w, "folk"), "\(daemon.output)")
        #expect(recipients(sink) == Array(people.dropFirst()))
        daemon.stop(); sink.stop()

        // The reminder: launched and held; Bao keeps only trade; then it goes.
        sink = try SMTPSink(port: smtpPort, folder: w.folder.appendingPathComponent("sink-remind"))
        #expect(try w.outreach("campaign", "create", "remind", "--reminder-of", "folk", "--template", "event-reminder",
                               "--at", "2026-01-01T00:00:00Z").status == 0)
        #expect(try w.outreach("campaign", "launch", "remind", "--yes").status == 0)
        #expect(try w.outreach("campaign", "pause", "remind").status == 0)
        daemon = try Daemon(w, smtpPort: smtpPort)
        #expect(post(daemon.httpPort, pages[people[1]]!, "topics_shown=1&topics=trade") == 200)
        #expect(try w.outreach("campaign", "resume", "remind").status == 0)
        #expect(try finished(w, "remind"), "\(daemon.output)")
        #expect(recipients(sink) == [people[2], people[3]])
        daemon.stop(); sink.stop()

        // The change notice: launched and held; Chi keeps only tourism; then it goes.
        sink = try SMTPSink(port: smtpPort, folder: w.folder.appendingPathComponent("sink-moved"))
        let moved = try String(contentsOf: repositoryRoot.appendingPathComponent("Config/events/folk-cake-festival-2027.yaml"), encoding: .utf8)
        try w.write("moved.yaml", moved.replacingOccurrences(of: "start: \"2027-04-29T19:00\"", with: "start: \"2027-04-29T20:00\""))
        #expect(try w.outreach("campaign", "notice", "moved", "--of", "folk", "--event", w.path("moved.yaml"), "--yes").status == 0)
        #expect(try w.outreach("campaign", "launch", "moved", "--yes").status == 0)
        #expect(try w.outreach("campaign", "pause", "moved").status == 0)
        daemon = try Daemon(w, smtpPort: smtpPort)
        #expect(post(daemon.httpPort, pages[people[2]]!, "topics_shown=1&topics=tourism") == 200)
        #expect(try w.outreach("campaign", "resume", "moved").status == 0)
        #expect(try finished(w, "moved"), "\(daemon.output)")
        #expect(recipients(sink) == [people[3]])
        #expect(daemon.stop() == 0)
    }
}
