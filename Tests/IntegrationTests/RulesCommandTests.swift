import Foundation
import Testing

/// Issue 22's smaller defects and failures made visible, as staff meet them at the terminal.
@Suite(.serialized) struct RulesCommandTests {
    @Test func aTestMessageToASuppressedAddressIsRefusedNamingWhy() throws {
        let w = try Workspace()
        try w.importPeople(2)
        #expect(try w.outreach("campaign", "create", "c", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        #expect(try w.outreach("contacts", "unsubscribe", "person-0@example.org").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(sink.port)"
        let refused = try w.outreach("campaign", "test", "c", "--to", "person-0@example.org")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("person-0@example.org is on the suppression list (staff)"), "\(refused.stderr)")
        let sent = try w.outreach("campaign", "test", "c", "--to", "person-1@example.org")
        #expect(sent.status == 0, "\(sent.stderr)")
        #expect(try waitUntil(10) { sink.countsByRecipient()["person-1@example.org"] == 1 })
        #expect(sink.countsByRecipient()["person-0@example.org"] == nil, "nothing went to the suppressed address")
    }

    @Test func aRunningReminderTakesTheEventOfALaterChangeNotice() throws {
        let life = EventLifeTests()
        let (w, _, daemon) = try life.invited()
        #expect(daemon.stop() == 0)
        #expect(try w.outreach("campaign", "create", "rem", "--reminder-of", "inv", "--template", "event-reminder").status == 0)
        #expect(try w.outreach("campaign", "launch", "rem").status == 0)
        // As the daemon leaves it while its messages are going out.
        _ = try w.sql("UPDATE campaigns SET status = 'running' WHERE slug = 'rem'")
        let moved = try String(contentsOfFile: repositoryRoot.appendingPathComponent(EventLifeTests.event).path, encoding: .utf8)
            .replacingOccurrences(of: "Sông Hậu Ballroom, Ninh Kiều Riverside Hotel", with: "Hall A, Cần Thơ Convention Centre")
        let notice = try w.outreach("campaign", "notice", "moved", "--of", "inv", "--event", try w.write("moved.yaml", moved))
        #expect(notice.status == 0, "\(notice.stderr)")
        let reminder = try life.calendars(w, "rem")["person-1@example.org"]
        #expect((reminder?["text"] as? String)?.contains("Hall A, Cần Thơ Convention Centre") == true, "\(reminder ?? [:])")
        #expect(reminder?["sequence"] as? Int == 1, "with the event's new SEQUENCE")
    }

    @Test func doctorShowsTheWriteErrorThatStoppedDelivery() throws {
        let w = try Workspace()
        try w.importPeople(1)
        let before = try w.outreach("doctor", "--format", "json")
        #expect(before.stdout.contains("no write error recorded by outreach serve"), "\(before.stdout)")
        // What the daemon leaves next to the database when a write that is not "busy" fails.
        try w.write("outreach.sqlite.delivery-fault", "2026-12-07T19:00:00Z\ndisk I/O error: the disk says no\n")
        let after = try w.outreach("doctor")
        #expect(after.stdout.contains("outreach serve stopped delivery at 2026-12-07T19:00:00Z: disk I/O error: the disk says no"),
                "\(after.stdout)")
        #expect(after.status != 0)
        w.environment["LANG"] = "vi_VN.UTF-8"
        #expect(try w.outreach("doctor").stdout.contains("outreach serve đã dừng gửi thư lúc 2026-12-07T19:00:00Z"))
    }
}
