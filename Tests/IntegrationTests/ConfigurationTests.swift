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
