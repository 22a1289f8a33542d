import Foundation
import Testing

/// Settings as staff meet them: keys in the YAML, overridden by OUTREACH_* variables, errors naming the key.
@Suite struct ConfigurationTests {
    @Test func aBadValueIsAnErrorNamingTheKey() throws {
        let w = try Workspace()
        w.environment["OUTREACH_DELIVERY_RETRY_SCHEDULE"] = "1m,soon"
        let r = try w.outreach("contacts", "list")
        #expect(r.status != 0)
        #expect(r.stderr.contains("delivery.retry_schedule"), "\(r.stderr)")
        w.environment["OUTREACH_DELIVERY_RETRY_SCHEDULE"] = nil
        w.environment["OUTREACH_SMTP_URL"] = "http://relay.example.org"
        #expect(try w.outreach("contacts", "list").stderr.contains("smtp.url"))
    }

    @Test func theSMTPPasswordNeverComesFromTheYAML() throws {
        let w = try Workspace()
        let config = try w.write("outreach.yaml", "smtp:\n  password: hunter2\n")
        let r = try w.outreachArgs(["--config", config, "contacts", "list"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("smtp.password"))
        #expect(!r.stderr.contains("hunter2"))
    }

    @Test func theBounceMailboxPasswordNeverComesFromTheYAMLEither() throws {
        let w = try Workspace()
        let config = try w.write("outreach.yaml", "bounces:\n  address: bounces@cantho.gov.vn\n  password: hunter2\n")
        let r = try w.outreachArgs(["--config", config, "contacts", "list"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("bounces.password") && r.stderr.contains("OUTREACH_BOUNCES_PASSWORD"), "\(r.stderr)")
        #expect(!r.stderr.contains("hunter2"))
    }

    @Test func bounceSettingsThatCannotWorkAreErrorsNamingTheKey() throws {
        let w = try Workspace()
        for (key, value, named) in [("OUTREACH_BOUNCES_ADDRESS", "bounces+x@cantho.gov.vn", "bounces.address"),
                                    ("OUTREACH_BOUNCES_ADDRESS", "not an address", "bounces.address"),
                                    ("OUTREACH_BOUNCES_MAILBOX_URL", "imaps://mail.cantho.gov.vn/INBOX", "bounces.mailbox_url"),
                                    ("OUTREACH_BOUNCES_POLL_INTERVAL", "soon", "bounces.poll_interval")] {
            w.environment[key] = value
            let r = try w.outreach("contacts", "list")
            #expect(r.status != 0 && r.stderr.contains(named), "\(key)=\(value): \(r.stderr)")
            w.environment[key] = nil
        }
    }

    @Test func theDaemonRefusesAPlainHTTPBaseURLThatIsNotLocal() throws {
        let w = try Workspace()
        w.environment["OUTREACH_HTTP_BASE_URL"] = "http://invite.cantho.gov.vn"
        w.environment["OUTREACH_HTTP_BIND"] = "127.0.0.1:\(freePort())"
        let r = try w.outreach("serve")
        #expect(r.status != 0)
        #expect(r.stderr.contains("http.base_url"))
    }

    @Test func theLinkSecretIsCreatedReadableOnlyByItsOwner() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", try w.write("a.csv", "email,consent\na@example.org,yes\n"))
        try w.outreach("campaign", "create", "c", "--template", "new-year-gathering")
        #expect(try w.outreach("campaign", "preview", "c", "--out", w.path("eml")).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: w.path("link-secret"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
