import Foundation
import Testing

/// The office's own mistakes caught before they reach anyone (issue 23): strict settings, checks
/// before launch, drafts that can be deleted, the two-person rule, the audit log.
@Suite(.serialized) struct SafeOpsCommandTests {
    static let event = "Config/events/new-year-gathering-2027.yaml"

    @Test func aMisspelledKeyStopsEveryCommandNamingTheNearestKnownOne() throws {
        let w = try Workspace()
        let config = try w.write("outreach.yaml", "http:\n  baseurl: https://outreach.cantho.gov.vn\n")
        for command in [["campaign", "list"], ["contacts", "import", "Config/sample-contacts.csv"], ["serve"]] {
            let r = try w.outreachArgs(["--config", config] + command)
            #expect(r.status != 0, "\(command)")
            #expect(r.stderr.contains("http.baseurl") && r.stderr.contains("did you mean http.base_url?"), "\(command): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: w.database), "nothing done: no database created")
        w.environment["OUTREACH_HTTP_BASEURL"] = "https://outreach.cantho.gov.vn"
        let r = try w.outreach("campaign", "list")
        #expect(r.status != 0 && r.stderr.contains("OUTREACH_HTTP_BASEURL") && r.stderr.contains("OUTREACH_HTTP_BASE_URL"), "\(r.stderr)")
    }

    @Test func aDatabaseWrittenByANewerVersionIsRefusedByEveryCommandAndLeftAsItWas() throws {
        let w = try Workspace()
        try w.importPeople(3)
        _ = try w.sql("INSERT INTO grdb_migrations (identifier) VALUES ('from-a-later-release')")
        let before = try w.sql("SELECT count(*) FROM contacts")
        for command in [["contacts", "import", "Config/sample-contacts.csv"], ["campaign", "list"]] {
            let r = try w.outreachArgs(command)
            #expect(r.status != 0 && r.stderr.contains("newer Outreach") && r.stderr.contains("from-a-later-release"), "\(command): \(r.stderr)")
        }
        #expect(try w.sql("SELECT count(*) FROM contacts") == before)
    }

    @Test func anInvitationWhoseTemplateShowsTheEventIsRefusedWithoutOne() throws {
        let w = try Workspace()
        try w.importPeople(3)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering").status == 0)
        let check = try w.outreach("campaign", "check", "tet")
        #expect(check.status != 0 && check.stdout.contains("--event FILE"), "\(check.stdout)")
        let launch = try w.outreach("campaign", "launch", "tet")
        #expect(launch.status != 0 && launch.stderr.contains("--event FILE"), "\(launch.stderr)")
        #expect(try w.sql("SELECT count(*) FROM outbox") == "0", "nothing queued")
    }

    @Test func anEmptyAudienceIsRefusedAndAnUnknownSegmentValueNamed() throws {
        let w = try Workspace()
        try w.importPeople(3)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event,
                               "--segment", "country=ZZ").status == 0)
        let check = try w.outreach("campaign", "check", "tet")
        #expect(check.status != 0 && check.stdout.contains("nobody to send to") && check.stdout.contains("country ZZ"), "\(check.stdout)")
        #expect(try w.outreach("campaign", "launch", "tet").status != 0)
        #expect(try w.outreach("campaign", "create", "ok", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        let fine = try w.outreach("campaign", "check", "ok")
        #expect(fine.status == 0 && fine.stdout.contains("3 recipient"), "\(fine.stdout)")
    }

    @Test func aReminderAskingForRepliesAfterTheDeadlineIsRefusedUnlessTimedExplicitly() throws {
        let w = try Workspace()
        try w.importPeople(2)
        #expect(try w.outreach("campaign", "create", "inv", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try w.outreach("campaign", "launch", "inv").status == 0)
        // The event's RSVP deadline is days before it: a reminder two days before asks too late.
        #expect(try w.outreach("campaign", "create", "late", "--reminder-of", "inv", "--template", "event-reminder", "--at", "event-1d").status == 0)
        let refused = try w.outreach("campaign", "launch", "late")
        #expect(refused.status != 0 && refused.stderr.contains("after the RSVP deadline"), "\(refused.stderr)")
        let explicit = try w.outreach("campaign", "launch", "late", "--at", "2027-01-29T09:00:00+07:00")
        #expect(explicit.status == 0, "\(explicit.stderr)")
    }

    @Test func aDraftCanBeDeletedButALaunchedCampaignOnlyCancelled() throws {
        let w = try Workspace()
        try w.importPeople(2)
        #expect(try w.outreach("campaign", "create", "wrong-name", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try w.outreach("campaign", "delete", "wrong-name").status == 0)
        #expect(try w.sql("SELECT count(*) FROM campaigns") == "0")
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try w.outreach("campaign", "launch", "tet").status == 0)
        let r = try w.outreach("campaign", "delete", "tet", "--yes")
        #expect(r.status != 0 && r.stderr.contains("can only be cancelled"), "\(r.stderr)")
        w.environment["LC_ALL"] = "vi_VN.UTF-8"
        let vi = try w.outreach("campaign", "delete", "tet", "--yes")
        #expect(vi.status != 0 && vi.stderr.contains("chỉ có thể hủy"), "staff who read Vietnamese: \(vi.stderr)")
        #expect(try w.sql("SELECT status FROM campaigns WHERE slug = 'tet'") == "running")
    }

    @Test func withTheTwoPersonRuleLaunchWaitsForAnotherUsersApproval() throws {
        let w = try Workspace()
        try w.importPeople(2)
        w.environment["OUTREACH_CAMPAIGNS_REQUIRE_APPROVAL"] = "true"
        w.environment["SUDO_USER"] = nil
        w.environment["USER"] = "lan"
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        let unapproved = try w.outreach("campaign", "launch", "tet")
        #expect(unapproved.status != 0 && unapproved.stderr.contains("campaign approve tet"), "\(unapproved.stderr)")
        let byCreator = try w.outreach("campaign", "approve", "tet")
        #expect(byCreator.status != 0 && byCreator.stderr.contains("lan created tet"), "\(byCreator.stderr)")
        w.environment["SUDO_USER"] = "minh"
        #expect(try w.outreach("campaign", "approve", "tet").status == 0)
        w.environment["SUDO_USER"] = nil
        let launched = try w.outreach("campaign", "launch", "tet")
        #expect(launched.status == 0, "\(launched.stderr)")
        #expect(try w.sql("SELECT count(*) FROM outbox") == "2")
    }

    @Test func everyChangingCommandLeavesAnAuditRowWithWhoAndWhat() throws {
        let w = try Workspace()
        w.environment["USER"] = "lan"
        w.environment["SUDO_USER"] = nil
        try w.importPeople(2)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        w.environment["SUDO_USER"] = "minh"
        #expect(try w.outreach("campaign", "launch", "tet").status == 0)
        #expect(try w.outreach("contacts", "unsubscribe", "person-1@example.org").status == 0)
        #expect(try w.outreach("campaign", "list").status == 0, "reading leaves no row")
        let r = try w.outreach("audit", "--format", "json")
        #expect(r.status == 0, "\(r.stderr)")
        let rows = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(rows.map { $0["command"] as? String ?? "" } == ["contacts import", "campaign create", "campaign launch", "contacts unsubscribe"])
        #expect(rows.map { $0["user"] as? String ?? "" } == ["lan", "lan", "minh", "minh"])
        #expect((rows[1]["arguments"] as? [String] ?? []).starts(with: ["tet", "--template", "new-year-gathering"]), "\(rows[1])")
        #expect(rows[3]["arguments"] as? [String] ?? [] == ["person-1@example.org", "--database", w.database])
        let csv = try w.outreach("audit", "--format", "csv")
        #expect(csv.stdout.hasPrefix("\u{FEFF}at,user,command,arguments"))
        let later = try w.outreach("audit", "--since", "2999-01-01", "--format", "json")
        let laterRows = try JSONSerialization.jsonObject(with: Data(later.stdout.utf8)) as? [Any]
        #expect(later.status == 0 && laterRows?.isEmpty == true, "\(later.stdout)")
    }

    @Test func forgettingAPersonTakesTheirAddressOutOfTheAuditLogButKeepsWhoDidWhat() throws {
        let w = try Workspace()
        w.environment["USER"] = "lan"
        w.environment["SUDO_USER"] = nil
        try w.importPeople(2)
        #expect(try w.outreach("contacts", "unsubscribe", "Person-1@Example.org").status == 0)
        #expect(try w.outreach("contacts", "forget", "person-1@example.org").status == 0)
        let r = try w.outreach("audit", "--format", "json")
        #expect(!r.stdout.lowercased().contains("person-1@example.org"), "\(r.stdout)")
        let rows = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(rows.map { $0["command"] as? String ?? "" } == ["contacts import", "contacts unsubscribe", "contacts forget"])
        #expect(rows.suffix(2).allSatisfy { ($0["arguments"] as? [String] ?? []).first?.hasPrefix("erased:") == true }, "\(rows)")
        #expect(!(try w.run("/usr/bin/sqlite3", [w.database, ".dump"]).stdout.lowercased().contains("person-1@example.org")))
    }

    @Test func theLinkSecretBelongsToTheDatabaseThatSignedWithIt() throws {
        let w = try Workspace()
        try w.importPeople(2)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try w.outreach("campaign", "preview", "tet", "--out", w.path("p1")).status == 0)
        let secret = w.path("link-secret")
        let original = try Data(contentsOf: URL(fileURLWithPath: secret))
        try FileManager.default.removeItem(atPath: secret)
        let missing = try w.outreach("campaign", "preview", "tet", "--out", w.path("p2"))
        #expect(missing.status != 0 && missing.stderr.contains("copy the link secret from the old server"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: secret), "no new secret is made")
        try w.write("link-secret", "a-different-secret-of-enough-length-0123456789\n")
        chmod(secret, 0o600)
        let other = try w.outreach("campaign", "preview", "tet", "--out", w.path("p3"))
        #expect(other.status != 0 && other.stderr.contains("not the secret"), "\(other.stderr)")
        try original.write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
        #expect(try w.outreach("campaign", "preview", "tet", "--out", w.path("p4")).status == 0)
    }

    @Test func theDaemonLogsWhenACampaignStartsPausesResumesAndFinishes() throws {
        let w = try Workspace()
        try w.importPeople(2)
        for slug in ["early", "later", "next-year"] {
            #expect(try w.outreach("campaign", "create", slug, "--template", "new-year-gathering", "--event", Self.event).status == 0)
        }
        #expect(try w.outreach("campaign", "launch", "early").status == 0)
        #expect(try w.outreach("campaign", "pause", "early").status == 0)
        #expect(try w.outreach("campaign", "launch", "next-year", "--at", "2099-01-01T09:00:00+07:00").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port, logLevel: "info")
        #expect(try w.outreach("campaign", "resume", "early").status == 0)
        #expect(try w.outreach("campaign", "launch", "later").status == 0)
        #expect(try w.outreach("campaign", "pause", "next-year").status == 0)
        let lines = { daemon.output.split(separator: "\n").filter { $0.contains("campaign.slug=") } }
        #expect(waitUntil(60) { lines().filter { $0.contains("campaign finished") }.count == 2 }, "\(daemon.output)")
        #expect(waitUntil(10) { lines().contains { $0.contains("campaign paused") && $0.contains("next-year") } }, "\(daemon.output)")
        let said = lines()
        #expect(said.contains { $0.contains("info") && $0.contains("campaign resumed") && $0.contains("campaign.slug=early") }, "\(said)")
        #expect(said.contains { $0.contains("campaign started") && $0.contains("campaign.slug=later") }, "\(said)")
        #expect(said.contains { $0.contains("campaign paused") && $0.contains("campaign.reason=paused by staff") }, "\(said)")
        #expect(daemon.stop() == 0)
    }

    /// Runs `outreach ARGS` on a terminal (util-linux `script` gives it one), typing `input`.
    func onATerminal(_ w: Workspace, _ arguments: [String], typing input: String) throws -> CommandResult {
        let command = ([outreachBinary, "--database", w.database] + arguments).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = repositoryRoot
        process.environment = w.environment
        let stdin = Pipe(), out = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = out
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
    }

    @Test func onATerminalLaunchAndCancellationSayWhatWillHappenAndWaitForYes() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/script") else { return }
        let w = try Workspace()
        try w.importPeople(6)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        let no = try onATerminal(w, ["campaign", "launch", "tet"], typing: "n\n")
        #expect(no.status != 0 && no.stdout.contains("6 recipients") && no.stdout.contains("[y/N]"), "\(no.stdout)")
        #expect(no.stdout.contains("vi 1") && no.stdout.contains("smtp://"), "per language and the relay: \(no.stdout)")
        #expect(try w.sql("SELECT count(*) FROM outbox") == "0")
        let yes = try onATerminal(w, ["campaign", "launch", "tet"], typing: "y\n")
        #expect(yes.status == 0, "\(yes.stdout)")
        #expect(try w.sql("SELECT count(*) FROM outbox") == "6")
        let cancel = try onATerminal(w, ["campaign", "notice", "off", "--of", "tet", "--cancel"], typing: "\n")
        #expect(cancel.status != 0 && cancel.stdout.contains("Cancel the event of tet"), "\(cancel.stdout)")
        #expect(try w.sql("SELECT event_cancelled_at IS NULL FROM campaigns WHERE slug = 'tet'") == "1")
        let scripted = try onATerminal(w, ["campaign", "notice", "off", "--of", "tet", "--cancel", "--yes"], typing: "")
        #expect(scripted.status == 0, "\(scripted.stdout)")
    }
}
