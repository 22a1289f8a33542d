import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

/// What mail scanners, old links and attackers do to the recipient pages (issue 14).
@Suite struct RecipientHardeningTests {
    func form(_ body: String) -> (HTTPFields, ByteBuffer) {
        ([.contentType: "application/x-www-form-urlencoded"], ByteBuffer(string: body))
    }

    @Test func aScannerOpeningAnRSVPLinkAnswersNothing() async throws {
        let f = try Fixture()
        try await f.test { client in
            let yes = try await client.execute(uri: f.path(.rsvp, f.lan) + "?answer=yes&guests=3", method: .get)
            #expect(yes.status == .ok)
            #expect(yes.text.contains("value=\"yes\" required checked"), "the link's answer is preselected")
            let no = try await client.execute(uri: f.path(.rsvp, f.lan) + "?answer=no", method: .get)
            #expect(no.status == .ok)
            #expect(no.text.contains("value=\"no\" checked"))
        }
        #expect(try f.register.rsvps("tet").isEmpty, "a GET records nothing")
    }

    @Test func afterCancellationTheRSVPPageSaysSoAndRecordsNothing() async throws {
        let f = try Fixture()
        _ = try f.register.control("tet", .cancel)
        try await f.test { client in
            let (headers, body) = form("answer=yes&guests=1")
            let r = try await client.execute(uri: f.path(.rsvp, f.john), method: .post, headers: headers, body: body)
            #expect(r.status == .ok)
            #expect(r.text.contains("cancelled"))
            #expect(!r.text.contains("<form"))
            let page = try await client.execute(uri: f.path(.rsvp, f.john) + "?answer=yes", method: .get)
            #expect(page.text.contains("cancelled") && !page.text.contains("<form"))
        }
        #expect(try f.register.rsvps("tet").isEmpty)
    }

    @Test func everyGetRouteAnswersHeadWithItsHeadersAndNoBody() async throws {
        let f = try Fixture()
        try await f.test { client in
            for uri in ["/healthz", f.path(.unsubscribe, f.lan), f.path(.confirm, f.pending), f.path(.rsvp, f.lan) + "?answer=yes"] {
                let get = try await client.execute(uri: uri, method: .get)
                let head = try await client.execute(uri: uri, method: .head)
                #expect(head.status == get.status && head.status == .ok, "\(uri)")
                #expect(head.body.readableBytes == 0, "\(uri)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "\(uri)")
                #expect(head.headers[.contentSecurityPolicy] != nil, "\(uri)")
            }
            #expect(try await client.execute(uri: "/u/forged", method: .head).status == .notFound)
        }
        #expect(try f.register.rsvps("tet").isEmpty)
        #expect(try !f.profile(f.lan).suppressed && f.profile(f.pending).consent == "pending", "HEAD changes nothing")
    }

    /// The last of a token's 46 characters carries 2 bits of the token and 4 unused ones.
    @Test func aTokenHasOneSpellingOnly() async throws {
        let f = try Fixture()
        let good = f.path(.unsubscribe, f.lan)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: good.last!)!
        let twins = (1..<16).map { String(good.dropLast()) + String(alphabet[last | $0]) }
        try await f.test { client in
            let original = try await client.execute(uri: good, method: .get)
            #expect(original.status == .ok)
            for twin in twins {
                let get = try await client.execute(uri: twin, method: .get)
                #expect(get.status == .notFound, "\(twin)")
                let (headers, body) = form("List-Unsubscribe=One-Click")
                let post = try await client.execute(uri: twin, method: .post, headers: headers, body: body)
                #expect(post.status == .notFound)
            }
        }
        #expect(try !f.profile(f.lan).suppressed)
    }

    @Test func anOldConfirmLinkCannotLiftAStaffUnsubscribe() async throws {
        let f = try Fixture()
        try f.register.unsubscribe(email: f.pending.email, source: "staff", evidence: "phone call", actor: "staff:lan", reason: .staff)
        // An older version wrote staff unsubscribes as `unsubscribed` with the detail `staff`.
        try f.register.unsubscribe(email: f.john.email, source: "staff", evidence: nil, actor: "staff")
        try await f.test { client in
            for contact in [f.pending, f.john] {
                let r = try await client.execute(uri: f.path(.confirm, contact), method: .post)
                #expect(r.status == .ok)
                #expect(r.text.contains("cannot be confirmed"))
            }
        }
        #expect(try f.profile(f.pending).suppressed && f.profile(f.pending).consent == "withdrawn")
        #expect(try f.profile(f.john).suppressed && f.profile(f.john).consent == "withdrawn")
    }

    @Test func aConfirmLinkExpiresAfterThirtyDaysWithAPageOfferingAFreshRequest() async throws {
        let later = Date().addingTimeInterval(31 * 86_400)
        let f = try Fixture(now: { later })
        try await f.test { client in
            let page = try await client.execute(uri: f.path(.confirm, f.pending), method: .get)
            #expect(page.status == .gone)
            #expect(page.text.contains("expired"))
            #expect(page.text.contains("href=\"mailto:songoaivu@cantho.gov.vn?subject="), "offers to ask for a new link")
            #expect(!page.text.contains("<form"))
            let post = try await client.execute(uri: f.path(.confirm, f.pending), method: .post)
            #expect(post.status == .gone)
        }
        #expect(try f.profile(f.pending).consent == "pending")

        let soon = Date().addingTimeInterval(29 * 86_400)
        let g = try Fixture(now: { soon })
        try await g.test { client in
            let confirmed = try await client.execute(uri: g.path(.confirm, g.pending), method: .post)
            #expect(confirmed.status == .ok)
        }
        #expect(try g.profile(g.pending).consent == "granted")
    }

    @Test func aBusyDatabaseAnswers503WithRetryAfterAndTheSecurityHeaders() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-busy-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("outreach.sqlite").path
        let f = try Fixture(register: try Register(path: path, busyTimeout: 0.2))
        // Another process holds the write lock (as a long import would).
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: configuration)
        try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        try await f.test { client in
            let (headers, body) = form("List-Unsubscribe=One-Click")
            let r = try await client.execute(uri: f.path(.unsubscribe, f.lan), method: .post, headers: headers, body: body)
            #expect(r.status == .serviceUnavailable)
            #expect(r.headers[.retryAfter] == "5")
            #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            #expect(r.headers[.xContentTypeOptions] == "nosniff")
        }
        try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        #expect(try !f.profile(f.lan).suppressed)
    }
}
