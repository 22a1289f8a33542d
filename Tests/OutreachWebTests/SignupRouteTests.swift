import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachLinks
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

/// The pages of people managing their own consent: sign-up with its proof-of-work, the
/// confirmation, the preference page, "email me my link", view in browser.
@Suite struct SignupRouteTests {
    static func fixture() throws -> Fixture { try Fixture(configure: { $0.signupDifficulty = 2000 }) }

    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// A sign-up body with the work done for a fresh challenge from the page's own route.
    static func signUpBody(_ client: any TestClientProtocol, email: String, extra: String = "") async throws -> String {
        let json = try await client.execute(uri: "/join/challenge", method: .get)
        let challenge = try JSONDecoder().decode(ProofOfWork.Challenge.self, from: Data(String(buffer: json.body).utf8))
        let solution = try #require(ProofOfWork.solve(challenge))
        let altcha = ProofOfWork.field(solution).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        return "email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&name=Kim+Min-jun&language=ko&kind=foreign_resident"
            + "&country=kr&topics=culture&topics=trade&consent=yes&website=&altcha=\(altcha)" + extra
    }

    @Test func theSignUpPageIsInTheVisitorsLanguageAndRunsOnlyItsOwnScript() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            let page = try await client.execute(uri: "/join", method: .get, headers: [.acceptLanguage: "ko-KR,ko;q=0.9,en;q=0.8"])
            #expect(page.status == .ok)
            #expect(page.text.contains("<html lang=\"ko\">") && page.text.contains("초청장 수신 신청"))
            #expect(page.text.contains(SignupTexts.consentSentence["ko"]!))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.contentSecurityPolicy]?.contains("unsafe-inline") == true)  // styles only
            #expect(!page.text.contains("<script>"))  // no inline script
            let french = try await client.execute(uri: "/join?lang=fr", method: .get, headers: [.acceptLanguage: "ko"])
            #expect(french.text.contains("<html lang=\"fr\">"))
            let script = try await client.execute(uri: "/join/pow.js", method: .get)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("crypto.subtle.digest('SHA-256'"))
            #expect(try await client.execute(uri: "/join/challenge", method: .head).status == .ok)
        }
    }

    @Test func aSignUpWithTheWorkDoneQueuesOneMailAndTheConfirmPostGrantsConsentWithTheEvidence() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            let body = try await Self.signUpBody(client, email: "kim@example.kr")
            let answer = try await client.execute(uri: "/join", method: .post, headers: Self.form, body: ByteBuffer(string: body))
            #expect(answer.status == .ok)
            #expect(answer.text.contains("메일함을 확인해 주십시오"))
            #expect(try f.register.contact(email: "kim@example.kr") == nil)
            #expect(try await f.register.personalMail(to: "kim@example.kr").map(\.kind) == ["join-confirm"])
            // The same proof twice is refused.
            let replay = try await client.execute(uri: "/join", method: .post, headers: Self.form,
                                                  body: ByteBuffer(string: body.replacingOccurrences(of: "kim@", with: "other@")))
            #expect(replay.status == .badRequest)

            let token = f.links.signer.token(.join, contactID: 1, campaignID: 0)
            let page = try await client.execute(uri: "/join/confirm/\(token)", method: .get)
            #expect(page.status == .ok && page.text.contains("kim@example.kr"))
            #expect(try f.register.contact(email: "kim@example.kr") == nil)  // a GET records nothing
            let done = try await client.execute(uri: "/join/confirm/\(token)", method: .post)
            #expect(done.status == .ok)
            let p = try f.register.profile(email: "kim@example.kr")
            #expect(p.consent == "granted" && p.language == "ko" && p.country == "KR" && p.topics == ["culture", "trade"])
            #expect(p.history.last?.source == "join")
            let evidence = try #require(p.history.last?.evidence)
            #expect(evidence.contains("form=join-v1") && evidence.contains(SignupTexts.consentSentence["ko"]!) && evidence.contains("user-agent="))
        }
    }

    @Test func withoutValidWorkOrWithTheHoneypotNothingIsRecorded() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            let body = try await Self.signUpBody(client, email: "bot@example.org")
            let noWork = body.components(separatedBy: "&altcha=")[0] + "&altcha=e30%3D"
            let refused = try await client.execute(uri: "/join", method: .post, headers: Self.form, body: ByteBuffer(string: noWork))
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("role=\"alert\""))
            let honey = body.replacingOccurrences(of: "website=", with: "website=http%3A%2F%2Fspam.example")
            let fooled = try await client.execute(uri: "/join", method: .post, headers: Self.form, body: ByteBuffer(string: honey))
            #expect(fooled.status == .ok)
            #expect(try await f.register.personalMail(to: "bot@example.org").isEmpty)
        }
    }

    @Test func thePageSaysTheSameWhateverTheAddressAndASuppressedOneGetsNoMail() async throws {
        let f = try Self.fixture()
        try f.register.suppress(try EmailAddress("gone@example.org"), reason: .complaint)
        try await f.test { client in
            var pages: [String] = []
            for email in ["gone@example.org", "fresh@example.org", "lan@example.vn"] {
                let r = try await client.execute(uri: "/join", method: .post, headers: Self.form,
                                                 body: ByteBuffer(string: try await Self.signUpBody(client, email: email)))
                #expect(r.status == .ok)
                pages.append(r.text.replacingOccurrences(of: email, with: "ADDRESS"))
            }
            #expect(Set(pages).count == 1)
            #expect(try await f.register.personalMail(to: "gone@example.org").isEmpty)
            #expect(try await f.register.personalMail(to: "fresh@example.org").count == 1)
        }
    }

    @Test func anEventsSignUpPageRecordsItsSlugAndAnUnknownOneIsNotFound() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            let page = try await client.execute(uri: "/join/tet", method: .get)
            #expect(page.status == .ok && page.text.contains("name=\"source\" value=\"tet\""))
            #expect(try await client.execute(uri: "/join/no-such-event", method: .get).status == .notFound)
            let body = try await Self.signUpBody(client, email: "event@example.org", extra: "&source=tet")
            _ = try await client.execute(uri: "/join", method: .post, headers: Self.form, body: ByteBuffer(string: body))
            let token = f.links.signer.token(.join, contactID: 1, campaignID: 0)
            _ = try await client.execute(uri: "/join/confirm/\(token)", method: .post)
            #expect(try f.register.profile(email: "event@example.org").history.last?.source == "tet")
        }
    }

    @Test func thePreferencePageChangesLanguageTopicsAndAPauseOneRowEach() async throws {
        let f = try Self.fixture()
        let path = "/p/" + f.links.signer.token(.preferences, contactID: f.lan.id!, campaignID: 0)
        try await f.test { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.status == .ok && page.text.contains("<html lang=\"vi\">") && page.text.contains("Tùy chọn nhận thư"))
            #expect(page.text.contains("/u/"))  // the way out is on the page too
            let bad = try await client.execute(uri: path, method: .post, headers: Self.form,
                                               body: ByteBuffer(string: "language=fr&topics_shown=1&topics=culture&pause_until=2027-02-30"))
            #expect(bad.status == .badRequest)
            #expect(try f.register.profile(email: "lan@example.vn").language == "vi")  // nothing changed
            let saved = try await client.execute(uri: path, method: .post, headers: Self.form,
                                                 body: ByteBuffer(string: "language=fr&topics_shown=1&topics=culture&pause_until=2027-03-01&name=Nguy%E1%BB%85n+Th%E1%BB%8B+Lan&addressed_as=Lan"))
            #expect(saved.status == .ok && saved.text.contains("<html lang=\"fr\">") && saved.text.contains("Vos choix sont enregistrés."))
            let p = try f.register.profile(email: "lan@example.vn", full: true)
            #expect(p.language == "fr" && p.topics == ["culture"] && p.pausedUntil == "2027-03-01" && p.addressedAs == "Lan")
            #expect(p.preferenceChanges?.map(\.field) == ["language", "topics", "paused_until", "addressed_as"])
            #expect(try await client.execute(uri: "/p/forged", method: .get).status == .notFound)
        }
    }

    @Test func aPauseIsRecordedWithTheBrowsersTimeZoneAndTheScriptThatTellsIt() async throws {
        let f = try Self.fixture()
        let path = "/p/" + f.links.signer.token(.preferences, contactID: f.lan.id!, campaignID: 0)
        try await f.test { client in
            let page = try await client.execute(uri: path, method: .get)
            #expect(page.text.contains("<input type=\"hidden\" name=\"time_zone\" value=\"\">")
                    && page.text.contains("<script src=\"/join/pow.js\" defer></script>"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let script = try await client.execute(uri: "/join/pow.js", method: .get)
            #expect(script.text.contains("resolvedOptions().timeZone") && script.text.contains("input[name=\"time_zone\"]"))
            _ = try await client.execute(uri: path, method: .post, headers: Self.form,
                                         body: ByteBuffer(string: "pause_until=2027-03-01&time_zone=America%2FLos_Angeles"))
            _ = try await client.execute(uri: path, method: .post, headers: Self.form,
                                         body: ByteBuffer(string: "pause_until=2027-03-02&time_zone=Mars%2FOlympus%0A"))
            let changes = try f.register.profile(email: "lan@example.vn", full: true).preferenceChanges ?? []
            #expect(changes.map(\.newValue) == ["2027-03-01", "2027-03-02"])
            #expect(changes[0].evidence?.hasSuffix("; time-zone=America/Los_Angeles") == true)
            #expect(changes[1].evidence?.contains("time-zone") == false)  // not a zone: the office's
        }
    }

    @Test func theUnsubscribePageOffersThePreferencePageInstead() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            let page = try await client.execute(uri: f.path(.unsubscribe, f.john), method: .get)
            let link = f.links.preferences(contactID: f.john.id!)
            #expect(page.text.contains("<a href=\"\(link)\">Change your preferences</a>"))
            #expect(try f.profile(f.john).suppressed == false)
        }
    }

    @Test func emailMeMyLinkAnswersTheSameWhetherOrNotTheAddressIsRegistered() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            #expect(try await client.execute(uri: "/p", method: .get).status == .ok)
            let known = try await client.execute(uri: "/p", method: .post, headers: Self.form, body: ByteBuffer(string: "email=john%40example.com"))
            let unknown = try await client.execute(uri: "/p", method: .post, headers: Self.form, body: ByteBuffer(string: "email=nobody%40example.com"))
            #expect(known.status == .ok && unknown.status == .ok)
            #expect(known.text.replacingOccurrences(of: "john@example.com", with: "X") == unknown.text.replacingOccurrences(of: "nobody@example.com", with: "X"))
            #expect(try await f.register.personalMail(to: "john@example.com").map(\.kind) == ["preference-link"])
            #expect(try await f.register.personalMail(to: "nobody@example.com").isEmpty)
        }
    }

    @Test func viewInBrowserShowsALaunchedCampaignWithoutTokensAndAsksNotToBeIndexed() async throws {
        let f = try Self.fixture()
        try await f.test { client in
            #expect(try await client.execute(uri: "/v/tet/en", method: .get).status == .notFound)  // a draft
            _ = try f.register.launch("tet")
            let page = try await client.execute(uri: "/v/tet/fr", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.init("X-Robots-Tag")!] == "noindex, nofollow")
            #expect(page.text.contains("lang=\"fr\"") && page.text.contains("Madame, Monsieur"))
            for prefix in ["/u/", "/r/", "/c/", "/p/"] { #expect(!page.text.contains(f.links.baseURL + prefix), "\(prefix)") }
            #expect(try await client.execute(uri: "/v/tet/de", method: .get).status == .notFound)
        }
    }
}
