import Foundation
import Hummingbird
import Logging
import Metrics
import OutreachLinks
import OutreachModel
import OutreachRegister

/// The sign-up (`/join`): a page in the visitor's language, a proof-of-work its own script solves
/// (Altcha's protocol), and a confirmation link by mail. `POST /join` records a pending request
/// only; the contact and their consent come from the confirm link's POST. The form's answer is
/// the same page whatever the address (registered, suppressed, already sent a link today).
struct SignupRoutes: Sendable {
    let web: WebContext
    static let requests = Counter(label: "outreach_signup_requests_total")
    static let refused = Counter(label: "outreach_signup_refused_total")
    static let confirmations = Counter(label: "outreach_signup_confirmations_total")
    static let logger = Logger(label: "outreach.signup")
    /// The sign-up page loads its own script from our origin and asks our origin for challenges; nothing else.
    static let policy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func add(to router: Router<OutreachRequestContext>) {
        router.get("/join") { request, _ in try await self.form(request, source: nil) }
        router.get("/join/challenge") { _, _ in self.challenge() }
        router.get("/join/pow.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: self.web.signupScript)))
        }
        router.get("/join/confirm/:token") { request, context in try await self.confirmPage(request, context) }
        router.post("/join/confirm/:token") { request, context in try await self.confirm(request, context) }
        router.get("/join/:event") { request, context in
            guard let slug = context.parameters.get("event"), try await self.knownSource(slug) else { return self.notFound(request) }
            return try await self.form(request, source: slug)
        }
        router.post("/join") { request, context in try await self.signUp(request, context) }
    }

    /// Whether `slug` names a campaign (a QR code printed for its event).
    private func knownSource(_ slug: String) async throws -> Bool {
        guard (1...64).contains(slug.count), slug.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else { return false }
        return (try? await web.register.campaign(named: slug)) != nil
    }

    /// `GET /join/challenge`: a fresh challenge (Altcha's JSON).
    func challenge() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = (try? encoder.encode(web.proofOfWork.challenge(now: web.now()))) ?? Data()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// What the form showed and the visitor typed, for showing it again.
    struct Entry {
        var email = "", name = "", country = "", language: String? = nil, kind = "", topics: Set<String> = [], consent = false
    }

    func form(_ request: Request, source: String?, entry: Entry = Entry(), problem: SignupTexts.Problem? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let lang = entry.language.flatMap { PublicPage.languageCodes.contains($0) ? $0 : nil } ?? PublicPage.language(request)
        var context: [String: Any] = [
            "action_url": "/join",
            "challenge_url": "/join/challenge",
            "script_url": "/join/pow.js",
            "languages": PublicPage.languageChoices(selected: entry.language ?? lang),
            "switch": PublicPage.languageSwitch(path: request.uri.path, current: lang),
            "topics": web.settings.topics.map { ["name": $0.name, "title": $0.title(lang), "checked": entry.topics.contains($0.name)] },
            "consent_sentence": SignupTexts.consentSentence[lang] ?? "",
            "email": entry.email, "name": entry.name, "country": entry.country, "consent": entry.consent,
            "kind_overseas_vietnamese": entry.kind == "overseas_vietnamese", "kind_foreign_resident": entry.kind == "foreign_resident",
            "kind_other": entry.kind == "other",
            "sender": ["name": web.settings.senderName],
        ]
        if let source { context["source"] = source }
        if let problem { context["error"] = SignupTexts.problem(problem, lang) }
        return PublicPage.html(web.pages.render(.join, language: lang, context: context), status: status, policy: Self.policy)
    }

    /// `POST /join`: the form's fields (`email`, `name`, `language`, `kind`, `country`, `topics`…,
    /// `consent=yes`, `altcha`, the honeypot `website`, and `source` from an event's page).
    func signUp(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        let fields = try await PublicPage.fields(request)
        func field(_ name: String) -> String { fields.last { $0.name == name }?.value ?? "" }
        let source = field("source")
        let knownSource = try await source.isEmpty ? false : knownSource(source)
        var entry = Entry(email: PublicPage.clean(field("email"), max: 254), name: PublicPage.clean(field("name"), max: 400),
                          country: PublicPage.clean(field("country"), max: 10).uppercased(), language: field("language"),
                          kind: field("kind"), topics: Set(fields.filter { $0.name == "topics" }.map(\.value)), consent: field("consent") == "yes")
        entry.topics.formIntersection(web.settings.topics.map(\.name))
        let lang = entry.language.flatMap { PublicPage.languageCodes.contains($0) ? $0 : nil } ?? PublicPage.language(request)
        entry.language = lang
        let sourceForForm = knownSource ? source : nil
        // A bot that fills the hidden field is told what a person is told, and nothing happens.
        if !field("website").isEmpty {
            Self.refused.increment()
            return checkMail(lang, email: entry.email)
        }
        let proof: ProofOfWork.Proof
        do { proof = try web.proofOfWork.check(field("altcha"), now: web.now()) } catch {
            Self.refused.increment()
            return try await form(request, source: sourceForForm, entry: entry, problem: .proof, status: .badRequest)
        }
        guard let address = try? EmailAddress(entry.email) else {
            return try await form(request, source: sourceForForm, entry: entry, problem: .email, status: .badRequest)
        }
        guard entry.name.count <= 200 else { return try await form(request, source: sourceForForm, entry: entry, problem: .name, status: .badRequest) }
        guard entry.country.isEmpty || (entry.country.count == 2 && entry.country.allSatisfy { $0.isASCII && $0.isLetter }) else {
            return try await form(request, source: sourceForForm, entry: entry, problem: .country, status: .badRequest)
        }
        guard entry.consent else { return try await form(request, source: sourceForForm, entry: entry, problem: .consent, status: .badRequest) }
        let (ip, origin) = PublicPage.origin(request, context)
        let sentence = SignupTexts.consentSentence[lang] ?? ""
        let evidence = "form=\(SignupTexts.formVersion); at=\(Timestamp.string(web.now())); \(origin); page-language=\(lang); sentence=\"\(sentence)\""
        let kind = ContactKind(rawValue: entry.kind).flatMap { $0 == .partner ? nil : $0 } ?? .other
        let verdict = try await web.register.requestSignup(
            SignupRequest(address: address, name: entry.name, language: lang, kind: kind, country: entry.country.isEmpty ? nil : entry.country,
                          topics: Array(entry.topics), source: sourceForForm ?? "join", evidence: evidence, ip: ip),
            challenge: proof.challenge, challengeExpiresMs: proof.expiresAtMs, perIPPerHour: web.settings.signupPerIPPerHour,
            nowMs: Timestamp.milliseconds(web.now()))
        switch verdict {
        case .tooMany:
            Self.refused.increment()
            return try await form(request, source: sourceForForm, entry: entry, problem: .tooMany, status: .tooManyRequests)
        case .challengeSpent:
            Self.refused.increment()
            return try await form(request, source: sourceForForm, entry: entry, problem: .proof, status: .badRequest)
        case .mailQueued, .noMail:
            Self.requests.increment()
            return checkMail(lang, email: entry.email)
        }
    }

    /// "Check your mail": the same answer whatever became of the request.
    func checkMail(_ lang: String, email: String) -> Response {
        PublicPage.html(web.pages.render(.checkMail, language: lang, context: ["signup": true, "contact": ["email": email],
                                                                              "sender": ["name": web.settings.senderName]]))
    }

    private func notFound(_ request: Request) -> Response {
        PublicPage.html(web.pages.render(.notFound, language: PublicPage.language(request), context: [:]), status: .notFound)
    }

    /// The pending request a confirm token names: its id, address and language.
    private func pending(_ context: OutreachRequestContext) async throws -> (id: Int64, email: String, language: String, confirmed: Bool)? {
        guard let token = context.parameters.get("token"), let claim = web.links.signer.open(token, as: .join) else { return nil }
        guard let r = try await web.register.signupRequest(id: claim.contactID) else { return nil }
        return (claim.contactID, r.email, r.language, r.confirmed)
    }

    private func confirmContext(_ email: String) -> [String: Any] {
        ["contact": ["email": email], "sender": ["name": web.settings.senderName], "action_url": ""]
    }

    /// `GET /join/confirm/{token}`: asks to confirm (a button); records nothing.
    func confirmPage(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let p = try await pending(context) else { return notFound(request) }
        var values = confirmContext(p.email)
        values["action_url"] = request.uri.path
        return PublicPage.html(web.pages.render(p.confirmed ? .confirmed : .confirm, language: p.language, context: values))
    }

    /// `POST /join/confirm/{token}`: the contact is created or updated with consent granted and
    /// the evidence of the form and of this click.
    func confirm(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        _ = try await request.body.collect(upTo: 4096)
        guard let p = try await pending(context) else { return notFound(request) }
        let (_, origin) = PublicPage.origin(request, context)
        let result = try await web.register.confirmSignup(id: p.id, confirmEvidence: "at=\(Timestamp.string(web.now())); \(origin)",
                                                          maxAgeMs: Int64(web.settings.confirmMaxAge.components.seconds) * 1000,
                                                          nowMs: Timestamp.milliseconds(web.now()))
        let values = confirmContext(p.email)
        switch result {
        case .confirmed:
            Self.confirmations.increment()
            return PublicPage.html(web.pages.render(.confirmed, language: p.language, context: values))
        case .refused: return PublicPage.html(web.pages.render(.confirmRefused, language: p.language, context: values))
        case .expired: return PublicPage.html(web.pages.render(.confirmExpired, language: p.language, context: values), status: .gone)
        case .unknown: return notFound(request)
        }
    }
}
