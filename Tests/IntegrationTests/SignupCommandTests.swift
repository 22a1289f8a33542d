import Foundation
import Testing

/// Staff's side of sign-up and preferences: the QR code's URL, a campaign's topic, a contact's
/// topics and pause, in English and Vietnamese.
@Suite struct SignupCommandTests {
    @Test func joinLinkPrintsTheSignUpURLAndAnEventsOwn() throws {
        let w = try Workspace()
        w.environment["LANG"] = "en_US.UTF-8"
        #expect(try w.outreach("join-link").stdout == "http://localhost:8080/join\n")
        let unknown = try w.outreach("join-link", "--event", "tet-2027")
        #expect(unknown.status != 0 && unknown.stderr.contains("no campaign \"tet-2027\""))
        try w.outreach("campaign", "create", "tet-2027", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        #expect(try w.outreach("join-link", "--event", "tet-2027").stdout == "http://localhost:8080/join/tet-2027\n")
    }

    @Test func aCampaignTakesItsEventsTopicOrAConfiguredOneAndRefusesOthers() throws {
        let w = try Workspace()
        try w.write("c.csv", "email,name,language,consent\na@example.org,A,en,yes\nb@example.org,B,en,yes\n")
        try w.outreach("contacts", "import", w.path("c.csv"))
        let bad = try w.outreach("campaign", "create", "x", "--template", "new-year-gathering", "--topic", "sports")
        #expect(bad.status != 0 && bad.stderr.contains("topic \"sports\" is not one of the configured topics: tet, culture, trade, tourism"))
        let r = try w.outreach("campaign", "create", "fair", "--template", "new-year-gathering", "--topic", "trade")
        #expect(r.status == 0 && r.stdout.contains("2 recipients now"))
        let list = try w.outreach("contacts", "list", "--segment", "topic=trade", "--format", "csv")
        #expect(list.status == 0 && list.stdout.contains("a@example.org") && list.stdout.contains("b@example.org"))
    }

    @Test func contactsShowListsTopicsAndPauseInTheStaffsLanguage() throws {
        let w = try Workspace()
        try w.write("c.csv", "email,name,language,consent\na@example.org,A,en,yes\n")
        try w.outreach("contacts", "import", w.path("c.csv"))
        w.environment["LANG"] = "en_US.UTF-8"
        let en = try w.outreach("contacts", "show", "a@example.org").stdout
        #expect(en.contains("  topics       (all)\n") && en.contains("  paused until -\n"))
        w.environment["LANG"] = "vi_VN.UTF-8"
        let vi = try w.outreach("contacts", "show", "a@example.org").stdout
        #expect(vi.contains("  chủ đề       (tất cả)\n") && vi.contains("  tạm ngừng đến -\n"))
        let json = try #require(try w.show("a@example.org"))
        #expect(json["topics"] as? [String] == [] && json["paused_until"] == nil)
    }
}
