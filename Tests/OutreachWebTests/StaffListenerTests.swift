import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import OutreachModel
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
