import Foundation
import Testing

/// `outreach checkin` from a terminal: its help in either language, and walk-ins added at the desk
/// (counted as checked in, an audit row, consent only as answered).
@Suite struct CheckinCommandTests {
    @Test func theHelpReadsInVietnameseAndInEnglish() throws {
        let vi = try LanguageTests.workspace(lang: "vi_VN.UTF-8"), en = try LanguageTests.workspace(lang: "en_US.UTF-8")
        let viHelp = try vi.run(outreachBinary, ["checkin", "--help"]).stdout
        #expect(viHelp.contains("Ngày sự kiện: chấp nhận vé một lần") && viHelp.contains("Thêm khách vãng lai tại bàn đón"), "\(viHelp)")
        #expect(viHelp.contains("--walk-in <walk-in>") && viHelp.contains("--email <email>") && viHelp.contains("--consent <consent>"))
        let enHelp = try en.run(outreachBinary, ["checkin", "--help"]).stdout
        #expect(enHelp.contains("Event day: accept a ticket once") && enHelp.contains("Add a walk-in at the desk"), "\(enHelp)")
        #expect(!enHelp.contains("khách"))
    }

    @Test func aWalkInIsAddedFromTheTerminalCountedAndAudited() throws {
        let w = try Workspace()
        try w.importPeople(1)
        #expect(try w.outreach("campaign", "create", "inv", "--template", "new-year-gathering", "--event", EventLifeTests.event).status == 0)
        let added = try w.outreach("checkin", "inv", "--walk-in", "Lê Thị Hoa", "--email", "hoa@example.org", "--consent", "yes")
        #expect(added.status == 0 && added.stdout.contains("Lê Thị Hoa"), "\(added.stderr)")
        let status = try w.status("inv")
        #expect((status["rsvp"] as? [String: Any])?["checked_in"] as? Int == 1, "\(status)")
        #expect(try w.sql("SELECT name || '|' || email || '|' || consent_asked FROM walk_ins") == "Lê Thị Hoa|hoa@example.org|granted")
        #expect(try w.outreach("contacts", "show", "hoa@example.org").status != 0, "a walk-in is not made a contact")
        #expect(try w.sql("SELECT count(*) FROM audit_log WHERE command = 'checkin'") == "1")

        let bad = try w.outreach("checkin", "inv", "--walk-in", "Ann", "--email", "not-an-address")
        #expect(bad.status != 0 && bad.stderr.contains("not-an-address"), "\(bad.stderr)")
        #expect(try w.outreach("checkin", "inv", "--walk-in", "Ann", "--consent", "maybe").status != 0)
        #expect(try w.outreach("checkin", "inv").status != 0, "a code or a walk-in")
        #expect(try w.sql("SELECT count(*) FROM walk_ins") == "1", "a refused walk-in changes nothing")
    }
}
