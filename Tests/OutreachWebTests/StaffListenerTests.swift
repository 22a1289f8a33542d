import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

/// The staff listener (`staff.bind`): behind a password beyond loopback, `/metrics` there only.
struct StaffListenerTests {
    static let password = "correct horse battery"
    /// Cost 4: the lowest bcrypt allows, so the tests stay quick; the check is the same.
    static let hash = Bcrypt.hash(password, cost: 4)

    static func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    func staffTest(_ configure: (inout Settings) -> Void, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let f = try Fixture(configure: configure)
        let app = Application(router: buildStaffRouter(f.web, access: try StaffAccess(settings: f.web.settings)))
        try await app.test(.router, body)
    }

    @Test func aBindBeyondLoopbackWithoutAPasswordIsRefused() throws {
        for bind in ["0.0.0.0:8081", "192.0.2.7:8081", "[::]:8081"] {
            var settings = Settings()
            settings.staffBind = bind
            #expect(throws: Settings.Failure.self, "\(bind)") { try StaffAccess(settings: settings) }
            do { _ = try StaffAccess(settings: settings) } catch let failure as Settings.Failure {
                #expect(failure.key == "staff.password_file")
            }
        }
        for bind in ["127.0.0.1:8081", "localhost:8081", "[::1]:8081"] {
            var settings = Settings()
            settings.staffBind = bind
            #expect(throws: Never.self, "\(bind)") { try StaffAccess(settings: settings) }
        }
    }

    @Test func aPasswordFileWithoutABcryptHashIsRefused() {
        var settings = Settings()
        settings.staffBind = "0.0.0.0:8081"
        settings.staffPasswordHash = "hunter2"
        #expect(throws: Settings.Failure.self) { try StaffAccess(settings: settings) }
    }

    @Test func onLoopbackWithoutAPasswordMetricsAreServedWithTheSecurityHeaders() async throws {
        try await staffTest({ _ in }) { client in
            let m = try await client.execute(uri: "/metrics", method: .get)
            #expect(m.status == .ok)
            #expect(m.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(m.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(m.headers[.cacheControl] == "no-store")
        }
    }

    @Test func withAPasswordNoneAndAWrongOneAreRefusedAndTheRightOneServes() async throws {
        try await staffTest({ $0.staffBind = "0.0.0.0:8081"; $0.staffPasswordHash = Self.hash }) { client in
            let none = try await client.execute(uri: "/metrics", method: .get)
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Basic ") == true)
            #expect(none.headers[.contentSecurityPolicy] != nil, "refusals carry the security headers")
            #expect(!none.text.contains("outreach_"))
            let wrong = try await client.execute(uri: "/metrics", method: .get,
                                                 headers: [.authorization: Self.basic("staff", "wrong password")])
            #expect(wrong.status == .unauthorized)
            let garbled = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Basic !!!"])
            #expect(garbled.status == .unauthorized)
            let right = try await client.execute(uri: "/metrics", method: .get,
                                                 headers: [.authorization: Self.basic("anyone", Self.password)])
            #expect(right.status == .ok)
            // Remembered after one check, and still refused with the wrong one afterwards.
            let again = try await client.execute(uri: "/metrics", method: .head,
                                                 headers: [.authorization: Self.basic("anyone", Self.password)])
            #expect(again.status == .ok && again.body.readableBytes == 0)
            let wrongAfter = try await client.execute(uri: "/metrics", method: .get,
                                                      headers: [.authorization: Self.basic("anyone", Self.password + "x")])
            #expect(wrongAfter.status == .unauthorized)
        }
    }

    @Test func htpasswdsSpellingOfBcryptIsAccepted() async throws {
        let y = "$2y$" + Self.hash.dropFirst(4)
        try await staffTest({ $0.staffPasswordHash = y }) { client in
            let right = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: Self.basic("s", Self.password)])
            #expect(right.status == .ok)
        }
    }
}

/// The staff pages: read-only, every GET answers HEAD, the live parts answer on their own.
struct StaffPagesTests {
    @Test func everyStaffPageAnswersGetAndHeadWithTheStaffPolicy() async throws {
        let f = try Fixture()
        _ = try f.register.launch("tet")
        let app = Application(router: buildStaffRouter(f.web, access: try StaffAccess(settings: f.web.settings)))
        try await app.test(.router) { client in
            for uri in ["/", "/live", "/campaigns/tet", "/campaigns/tet/live", "/bounces", "/audit", "/staff.js"] {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(get.status == .ok && head.status == .ok, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
                #expect(get.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true, "\(uri)")
            }
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.text.contains("data-live=\"/live\"") && home.text.contains("<script src=\"/staff.js\" defer></script>"))
            #expect(home.text.contains("href=\"/campaigns/tet\"") && home.text.contains("<svg"))
            let page = try await client.execute(uri: "/campaigns/tet", method: .get)
            #expect(page.text.contains("data-live=\"/campaigns/tet/live\"") && page.text.contains("<progress"))
            #expect(try await client.execute(uri: "/campaigns/nope", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/", method: .post).status != .ok, "read-only")
        }
    }
}

/// The audit page lists who did what, newest first, as `outreach audit` does.
struct StaffAuditPageTests {
    @Test func theAuditPageListsWhoDidWhatNewestFirst() async throws {
        let f = try Fixture(configure: { _ in })
        try f.register.appendAudit(AuditEntry(at: "2027-01-10T02:00:00Z", user: "lan", command: "campaign create", arguments: ["tet", "--template", "new-year-gathering"]))
        try f.register.appendAudit(AuditEntry(at: "2027-01-11T03:00:00Z", user: "minh", command: "campaign launch", arguments: ["tet"]))
        let app = Application(router: buildStaffRouter(f.web, access: try StaffAccess(settings: f.web.settings)))
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/audit", method: .get)
            #expect(page.status == .ok)
            let text = String(buffer: page.body)
            let launch = try #require(text.range(of: "campaign launch"))
            let create = try #require(text.range(of: "campaign create"))
            #expect(launch.lowerBound < create.lowerBound)
            #expect(text.contains("minh") && text.contains("tet --template new-year-gathering"))
        }
    }
}
