import Foundation
import Testing

/// A launch that asks nobody (piped, or `--yes`) does not count every contact by language: it
/// only asks whether anybody would be reached. It must still refuse a campaign for nobody, and
/// launch one for somebody, as `campaign check` says.
@Suite struct LaunchWithoutAskingTests {
    @Test func aCampaignForNobodyIsRefusedWithAndWithoutYesAndQueuesNothing() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        try w.outreach("campaign", "create", "c", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml",
                       "--segment", "country=AQ")
        for extra in [[], ["--yes"]] {
            let r = try w.outreachArgs(["campaign", "launch", "c"] + extra)
            #expect(r.status != 0, "\(r.stdout)")
            #expect(r.stderr.contains("country=AQ"), "the refusal names the segment: \(r.stderr)")
        }
        #expect(try w.sql("SELECT count(*) FROM outbox") == "0")
        let check = try w.outreach("campaign", "check", "c")
        #expect(check.status != 0 && check.stdout.contains("country=AQ"), "\(check.stdout)")
    }

    @Test func aCampaignForSomebodyIsLaunchedWithoutTheCountAndQueuesWhatCheckCounted() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        try w.outreach("campaign", "create", "c", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        let check = try w.outreach("campaign", "check", "c")
        #expect(check.status == 0, "\(check.stderr)")
        let r = try w.outreach("campaign", "launch", "c", "--yes")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("47 messages queued (47 in all)"), "\(r.stdout)")
        #expect(check.stdout.contains("47"), "check counted the same people: \(check.stdout)")
    }
}
