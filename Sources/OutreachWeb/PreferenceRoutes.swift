import Foundation
import Hummingbird
import Logging
import Metrics
import OutreachModel
import OutreachRegister

/// The preference page (`/p/{token}`, linked from every message's footer and the unsubscribe
/// page): the person changes their language, topics, a pause, their name and form of address;
/// each change is one ledger row. `/p` mails the link to a registered address and answers the
/// same whether or not the address is registered.
struct PreferenceRoutes: Sendable {
    let web: WebContext
    static let changes = Counter(label: "outreach_preference_changes_total")
    static let logger = Logger(label: "outreach.preferences")
    /// The page runs our own script only (it tells the form the browser's time zone).
    static let policy = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func add(to router: Router<OutreachRequestContext>) {
        router.get("/p/:token") { request, context in try await self.page(request, context) }
        router.post("/p/:token") { request, context in try await self.save(request, context) }
        router.get("/p") { request, _ in self.linkForm(request) }
        router.post("/p") { request, _ in try await self.sendLink(request) }
    }

    private func notFound(_ request: Request) -> Response {
        PublicPage.html(web.pages.render(.notFound, language: PublicPage.language(request), context: [:]), status: .notFound)
    }

    private func person(_ context: OutreachRequestContext) async throws -> Contact? {
        guard let token = context.parameters.get("token"), let claim = web.links.signer.open(token, as: .preferences) else { return nil }
        return try await web.register.contact(id: claim.contactID)
    }

    /// The page for `contact` (with what was typed, when it is shown again with a problem).
    private func render(_ request: Request, _ contact: Contact, saved: Bool = false, problem: SignupTexts.Problem? = nil,
                        status: HTTPResponse.Status = .ok) -> Response {
        let lang = web.pages.language([contact.language, Language.fallback(for: contact.kind)])
        let chosen = Set(contact.topicList)
        var context: [String: Any] = [
            "action_url": request.uri.path,
            "contact": ["email": contact.email, "name": contact.name, "addressed_as": contact.addressedAs ?? ""],
            "languages": PublicPage.languageChoices(selected: contact.language.map(Language.primary) ?? lang),
            "topics": web.settings.topics.map { ["name": $0.name, "title": $0.title(lang), "checked": chosen.contains($0.name)] },
            "paused_until": contact.pausedUntil ?? "",
            "unsubscribe_url": web.links.unsubscribe(contactID: contact.id!, campaignID: 0),
            "sender": ["name": web.settings.senderName],
            "saved": saved,
        ]
        if let problem { context["error"] = SignupTexts.problem(problem, lang) }
        return PublicPage.html(web.pages.render(.preferences, language: lang, context: context), status: status, policy: Self.policy)
    }

    /// `GET /p/{token}`: the form with the person's choices; changes nothing.
    func page(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let contact = try await person(context) else { return notFound(request) }
        return render(request, contact)
    }

    /// `POST /p/{token}`: `language`, `topics` (repeated; none: every topic), `pause_until`
    /// (YYYY-MM-DD or empty), `time_zone` (the browser's, filled by the page's script: the pause
    /// ends with its day there; without it, in `office.time_zone`), `name`, `addressed_as`. Bad
    /// input changes nothing.
    func save(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        let fields = try await PublicPage.fields(request)
        guard let contact = try await person(context) else { return notFound(request) }
        func field(_ name: String) -> String? { fields.last { $0.name == name }?.value }
        var update = PreferenceUpdate()
        if let lang = field("language"), PublicPage.languageCodes.contains(lang) { update.language = lang }
        if field("topics_shown") != nil {
            let known = Set(web.settings.topics.map(\.name))
            update.topics = fields.filter { $0.name == "topics" && known.contains($0.value) }.map(\.value)
        }
        if let text = field("pause_until") {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard trimmed.isEmpty || PauseDate.parse(trimmed) != nil else { return render(request, contact, problem: .pauseDate, status: .badRequest) }
            update.pausedUntil = trimmed
            update.pauseZone = field("time_zone").flatMap(Self.timeZone)
        }
        if let name = field("name") {
            let clean = PublicPage.clean(name, max: 400)
            guard clean.count <= 200 else { return render(request, contact, problem: .name, status: .badRequest) }
            update.name = clean
        }
        if let called = field("addressed_as") {
            let clean = PublicPage.clean(called, max: 400)
            guard clean.count <= 200 else { return render(request, contact, problem: .name, status: .badRequest) }
            update.addressedAs = clean
        }
        let (_, origin) = PublicPage.origin(request, context)
        let evidence = origin + (update.pauseZone.map { "; time-zone=\($0.identifier)" } ?? "")
        let changed = try await web.register.updatePreferences(contactID: contact.id!, update, evidence: evidence)
        Self.changes.increment(by: changed.count)
        let now = try await web.register.contact(id: contact.id!) ?? contact
        return render(request, now, saved: true)
    }

    /// An IANA time zone name as a browser gives it (`Europe/Paris`); nil for anything else.
    static func timeZone(_ text: String) -> TimeZone? {
        guard (1...64).contains(text.count),
              text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/_+-".unicodeScalars.contains($0)) })
        else { return nil }
        return TimeZone(identifier: text)
    }

    /// `GET /p`: "email me my link".
    func linkForm(_ request: Request, problem: SignupTexts.Problem? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let lang = PublicPage.language(request)
        var context: [String: Any] = ["action_url": "/p", "switch": PublicPage.languageSwitch(path: "/p", current: lang)]
        if let problem { context["error"] = SignupTexts.problem(problem, lang) }
        return PublicPage.html(web.pages.render(.preferenceLink, language: lang, context: context), status: status)
    }

    /// `POST /p` (`email`): queues the link for a registered, unsuppressed address; the answer is
    /// the same either way.
    func sendLink(_ request: Request) async throws -> Response {
        let fields = try await PublicPage.fields(request, limit: 4096)
        let email = PublicPage.clean(fields.last { $0.name == "email" }?.value ?? "", max: 254)
        guard let address = try? EmailAddress(email) else { return linkForm(request, problem: .email, status: .badRequest) }
        let queued = try await web.register.requestPreferenceLink(address)
        Self.logger.info("preference link asked", metadata: ["preferences.queued": "\(queued)"])
        let lang = PublicPage.language(request)
        return PublicPage.html(web.pages.render(.checkMail, language: lang, context: ["preferences": true, "contact": ["email": email],
                                                                                   "sender": ["name": web.settings.senderName]]))
    }
}
