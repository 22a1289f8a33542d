import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachCampaigns
import OutreachCompose
import OutreachImport
import OutreachLinks
import OutreachModel
import OutreachRegister
import Prometheus
import Testing
@testable import OutreachWeb

let root: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// An in-memory register with three people and a campaign for the New Year event.
struct Fixture {
    let register: Register
    let links: Links
    let web: WebContext
    let campaign: Campaign
    let lan: Contact, john: Contact, pending: Contact

    init(eventFile: String = "\(root)/Config/events/new-year-gathering-2027.yaml", register: Register? = nil,
         now: @escaping @Sendable () -> Date = { Date() }, configure: (inout Settings) -> Void = { _ in }) throws {
        self.register = try register ?? Register()
        var importer = ContactImporter()
        importer.source = "fixture.csv"
        _ = try importer.importBytes(Array("""
            email,name,honorific,language,consent
            lan@example.vn,Nguyễn Thị Lan,Chị,vi,yes
            john@example.com,John Smith,Mr,en,yes
            wait@example.com,Pending Person,,en,no

            """.utf8), fileName: "fixture.csv", into: self.register)
        var settings = Settings()
        settings.templatesPath = "\(root)/Templates"
        configure(&settings)
        links = Links(baseURL: "https://invite.cantho.gov.vn", signer: LinkSigner(secrets: ["test-secret"]))
        web = try WebContext(register: self.register, settings: settings, links: links, metrics: PrometheusCollectorRegistry(), now: now)
        (campaign, _) = try CampaignLifecycle(register: self.register).create(slug: "tet", templateName: "new-year-gathering", templatesRoot: settings.templatesPath,
                                                    eventFile: eventFile, segment: "", subject: nil)
        (lan, john, pending) = (try self.register.contact(email: "lan@example.vn")!, try self.register.contact(email: "john@example.com")!,
                                try self.register.contact(email: "wait@example.com")!)
    }

    func path(_ purpose: LinkPurpose, _ contact: Contact) -> String {
        let prefix = switch purpose { case .unsubscribe: "u"; case .confirm: "c"; case .rsvp: "r"; case .bounce: "b"; case .join: "join/confirm"; case .preferences: "p"; case .seat: "s" }
        return "/\(prefix)/\(links.signer.token(purpose, contactID: contact.id!, campaignID: campaign.id!))"
    }

    func profile(_ c: Contact) throws -> ContactProfile { try register.profile(email: c.email) }

    func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: buildRouter(web))
        try await app.test(.router, body)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

@Suite struct RouteTests {
    @Test func theUnsubscribePageAsksInTheRecipientsLanguageAndChangesNothing() async throws {
        let f = try Fixture()
        try await f.test { client in
            let vi = try await client.execute(uri: f.path(.unsubscribe, f.lan), method: .get)
            #expect(vi.status == .ok)
            #expect(vi.text.contains("<html lang=\"vi\""))
            #expect(vi.text.contains("<form method=\"post\" action=\"\(f.path(.unsubscribe, f.lan))\""))
            let en = try await client.execute(uri: f.path(.unsubscribe, f.john), method: .get)
            #expect(en.text.contains("<html lang=\"en\""))
        }
        #expect(try f.profile(f.lan).suppressed == false)
        #expect(try f.profile(f.lan).consent == "granted")
    }

    @Test(arguments: ["application/x-www-form-urlencoded", "multipart/form-data; boundary=XyZ"])
    func oneClickUnsubscribesAnswers200AndIsIdempotent(contentType: String) async throws {
        let f = try Fixture()
        let body = contentType.hasPrefix("multipart")
            ? "--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n"
            : "List-Unsubscribe=One-Click"
        try await f.test { client in
            for _ in 0..<2 {
                let r = try await client.execute(uri: f.path(.unsubscribe, f.lan), method: .post,
                                                 headers: [.contentType: contentType], body: ByteBuffer(string: body))
                #expect(r.status == .ok)
                #expect(r.headers[.location] == nil)
            }
        }
        let p = try f.profile(f.lan)
        #expect(p.suppressed && p.consent == "withdrawn")
        #expect(p.history.filter { $0.status == "withdrawn" }.count == 1, "repeating it adds nothing")
        #expect(p.history.last?.source == "link")
        #expect(p.history.last?.evidence?.contains("one-click") == true)
        #expect(try f.profile(f.john).suppressed == false, "only that person")
    }

    @Test func forgedTruncatedAndForeignTokensGetAPlain404() async throws {
        let f = try Fixture()
        let good = f.path(.unsubscribe, f.lan)
        let other = Links(baseURL: "https://x", signer: LinkSigner(secrets: ["other"])).signer.token(.unsubscribe, contactID: f.lan.id!, campaignID: f.campaign.id!)
        try await f.test { client in
            for uri in [String(good.dropLast()), good + "x", "/u/\(other)", "/u/not-a-token", f.path(.rsvp, f.lan).replacingOccurrences(of: "/r/", with: "/u/")] {
                let r = try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
                #expect(r.status == .notFound, "\(uri)")
                let g = try await client.execute(uri: uri, method: .get)
                #expect(g.status == .notFound)
                #expect(!g.text.contains("signature") && !g.text.contains("expired token"))
            }
            // A sweep of random and bit-flipped tokens: none accepted.
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            for _ in 0..<300 {
                let forged = String((0..<46).map { _ in alphabet.randomElement()! })
                #expect(try await client.execute(uri: "/u/\(forged)", method: .post).status == .notFound)
            }
        }
        #expect(try f.profile(f.lan).suppressed == false)
    }

    @Test func securityHeadersOnEveryPage() async throws {
        let f = try Fixture()
        try await f.test { client in
            for uri in [f.path(.unsubscribe, f.lan), "/u/forged", "/healthz"] {
                let r = try await client.execute(uri: uri, method: .get)
                #expect(r.headers[.init("Referrer-Policy")!] == "no-referrer")
                #expect(r.headers[.xContentTypeOptions] == "nosniff")
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
        }
    }

    @Test func bodiesAreCappedAtAFewKilobytes() async throws {
        let f = try Fixture()
        try await f.test { client in
            let r = try await client.execute(uri: f.path(.unsubscribe, f.lan), method: .post,
                                             body: ByteBuffer(string: String(repeating: "x", count: 64 * 1024)))
            #expect(r.status == .contentTooLarge)
        }
    }

    @Test func theDoubleOptInGrantsConsentOnlyOnPost() async throws {
        let f = try Fixture()
        try await f.test { client in
            let page = try await client.execute(uri: f.path(.confirm, f.pending), method: .get)
            #expect(page.status == .ok)
            #expect(try f.profile(f.pending).consent == "pending")
            let done = try await client.execute(uri: f.path(.confirm, f.pending), method: .post)
            #expect(done.status == .ok)
        }
        let p = try f.profile(f.pending)
        #expect(p.consent == "granted")
        #expect(p.history.last?.source == "link")
    }

    @Test func aBounceIsNotLiftedByAConfirmationButTheirOwnUnsubscribeIs() async throws {
        let f = try Fixture()
        try f.register.suppress(f.pending.address, reason: .hardBounce)
        _ = try await f.register.unsubscribe([(f.john.address, "unsubscribe page")])
        try await f.test { client in
            let refused = try await client.execute(uri: f.path(.confirm, f.pending), method: .post)
            #expect(refused.status == .ok)
            let lifted = try await client.execute(uri: f.path(.confirm, f.john), method: .post)
            #expect(lifted.status == .ok)
        }
        #expect(try f.profile(f.pending).suppressed && f.profile(f.pending).consent == "pending")
        #expect(try !f.profile(f.john).suppressed && f.profile(f.john).consent == "granted", "the person's own opt-in lifts it")
    }

    @Test func rsvpRecordsAndCanBeChanged() async throws {
        let f = try Fixture()
        try await f.test { client in
            let yes = try await client.execute(uri: f.path(.rsvp, f.lan) + "?answer=yes", method: .get)
            #expect(yes.status == .ok)
            #expect(yes.text.contains("checked"))
            let change = try await client.execute(uri: f.path(.rsvp, f.lan), method: .post,
                                                  headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "answer=yes&guests=2"))
            #expect(change.status == .ok)
            let no = try await client.execute(uri: f.path(.rsvp, f.john), method: .post,
                                              headers: [.contentType: "application/x-www-form-urlencoded"],
                                              body: ByteBuffer(string: "answer=no"))
            #expect(no.status == .ok)
            let bad = try await client.execute(uri: f.path(.rsvp, f.john), method: .post,
                                               headers: [.contentType: "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: "answer=yes&guests=99"))
            #expect(bad.status == .badRequest)
        }
        let list = try f.register.rsvps("tet")
        #expect(list.map(\.email) == ["john@example.com", "lan@example.vn"])
        #expect(list[1].answer == "yes" && list[1].guests == 2)
        #expect(list[0].answer == "no")
        let status = try f.register.progress("tet")
        #expect(status.rsvp.yes == 1 && status.rsvp.no == 1 && status.rsvp.guests == 2)
    }

    @Test func afterTheDeadlineThePageSaysSoAndRecordsNothing() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("past-\(UUID()).yaml")
        try """
            title: {vi: "Hội chợ", en: "Fair"}
            start: "2020-01-10T08:00"
            end: "2020-01-10T17:00"
            venue: {vi: "Hội trường", en: "Hall"}
            rsvp_deadline: "2020-01-05T17:00"
            organizer_name: {vi: "Sở Ngoại vụ", en: "Department"}
            organizer_email: "songoaivu@cantho.gov.vn"
            """.write(to: file, atomically: true, encoding: .utf8)
        let f = try Fixture(eventFile: file.path)
        try await f.test { client in
            let r = try await client.execute(uri: f.path(.rsvp, f.john) + "?answer=yes", method: .get)
            #expect(r.status == .ok)
        }
        #expect(try f.register.rsvps("tet").isEmpty)
    }

    /// `/metrics` lives on the staff listener only (issue 22 point 19; `StaffListenerTests`).
    @Test func healthIsPublicAndMetricsAreNot() async throws {
        let f = try Fixture()
        try await f.test { client in
            let h = try await client.execute(uri: "/healthz", method: .get)
            #expect(h.status == .ok && h.text == "ok\n")
            let m = try await client.execute(uri: "/metrics", method: .get)
            #expect(m.status == .notFound)
            let other = try await client.execute(uri: "/admin", method: .get)
            #expect(other.status == .notFound)
        }
    }
}
