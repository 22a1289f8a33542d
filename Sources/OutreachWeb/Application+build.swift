import Foundation
import Hummingbird
import Logging
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister
import Prometheus
import Synchronization

/// What the HTTP side needs: the register, the links, the page templates, the metrics registry.
public final class WebContext: Sendable {
    package let register: Register
    public let settings: Settings
    public let links: Links
    public let metrics: PrometheusCollectorRegistry
    public let pages: PageRenderer
    /// Unsubscribes written in groups (see `UnsubscribeBatcher`).
    let unsubscribes: UnsubscribeBatcher
    /// What pages need of each campaign, decoded once; decoded again when a change notice or a
    /// cancellation gives its event a new revision (`CampaignFacts.revision`).
    private let facts = Mutex(RecentlyUsed<Int64, CampaignFacts>(capacity: WebContext.factsKept))
    /// Pages rendered once with markers for the per-person parts (see `RecipientRoutes.page`).
    private let renderedPages = Mutex(RecentlyUsed<String, PersonalizedText>(capacity: WebContext.pagesKept))
    /// The most campaigns' facts and rendered pages kept (the least recently used go first).
    static let factsKept = 256, pagesKept = 1024
    /// The time now (tests move it to see links expire).
    let now: @Sendable () -> Date
    /// The sign-up's proof-of-work (`signup.difficulty`), signed with the link secret.
    let proofOfWork: ProofOfWork
    /// The sign-up page's own script (`Templates/pages/join.js`), served from our origin.
    let signupScript: String

    package init(register: Register, settings: Settings, links: Links, metrics: PrometheusCollectorRegistry,
                now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.register = register
        self.settings = settings
        self.links = links
        self.metrics = metrics
        self.now = now
        self.pages = try PageRenderer(root: settings.templatesPath + "/pages")
        self.unsubscribes = UnsubscribeBatcher(register: register)
        self.proofOfWork = ProofOfWork(key: links.signer.challengeKey, maxNumber: settings.signupDifficulty)
        self.signupScript = (try? String(contentsOfFile: settings.templatesPath + "/pages/join.js", encoding: .utf8)) ?? ""
    }

    func campaignFacts(_ id: Int64) -> CampaignFacts? { facts.withLock { $0.value(for: id) } }

    func pageCache(_ key: String) -> PersonalizedText? { renderedPages.withLock { $0.value(for: key) } }
    func rememberPage(_ key: String, _ pieces: PersonalizedText) { renderedPages.withLock { $0.remember(pieces, for: key) } }
    /// How many rendered pages are kept now.
    var pagesCached: Int { renderedPages.withLock { $0.count } }

    func rememberFacts(_ campaign: Campaign) throws -> CampaignFacts {
        let f = try CampaignFacts(campaign)
        facts.withLock { $0.remember(f, for: f.id) }
        return f
    }
}

/// A campaign as the pages see it: its slug, its template's default language, its event with
/// the event's fields written out per language on first use.
final class CampaignFacts: Sendable {
    let id: Int64
    let slug: String
    let defaultLanguage: String
    let event: Event?
    /// The event's iCalendar SEQUENCE: a change notice or cancellation raises it.
    let revision: Int
    /// Whether the event is cancelled: RSVP pages say so and take no answer.
    let cancelled: Bool
    private let fields = Mutex<[String: [String: String]]>([:])

    init(_ campaign: Campaign) throws {
        id = campaign.id!
        slug = campaign.slug
        defaultLanguage = try InvitationTemplate(snapshot: campaign.templateSnapshot).defaultLanguage
        event = try campaign.event
        revision = campaign.eventSequence
        cancelled = campaign.eventCancelledAt != nil
    }

    func eventFields(_ language: String) -> [String: String]? {
        guard let event else { return nil }
        if let known = fields.withLock({ $0[language] }) { return known }
        let made = EventFields.fields(event, language: language)
        fields.withLock { $0[language] = made }
        return made
    }
}

/// The public routes of DESIGN.md, and nothing else (`/metrics` and the staff pages are on the
/// staff listener: `buildStaffRouter`). Every GET route answers HEAD too (the same
/// headers, no body, nothing changed).
public func buildRouter(_ web: WebContext) -> Router<OutreachRequestContext> {
    let router = Router(context: OutreachRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.get("/healthz") { _, _ -> Response in
        do {
            try await web.register.ping()
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
        }
    }
    RecipientRoutes(web: web).add(to: router)
    SignupRoutes(web: web).add(to: router)
    PreferenceRoutes(web: web).add(to: router)
    ViewInBrowserRoutes(web: web).add(to: router)
    return router
}

/// The daemon's HTTP server on `http.bind`, under `http.read_timeout`, `http.idle_timeout` and
/// `http.max_connections`.
public func buildApplication(_ web: WebContext, logger: Logger) throws -> some ApplicationProtocol {
    let (host, port) = try ListenAddress.parse(web.settings.httpBind, key: "http.bind")
    return Application(
        router: buildRouter(web),
        server: .guardedHTTP1(web.settings.connectionLimits, logger: logger),
        configuration: .init(address: .hostname(host, port: port), serverName: "outreach"),
        logger: logger)
}

extension Settings {
    /// What the HTTP server allows one client.
    public var connectionLimits: ConnectionLimits {
        ConnectionLimits(readTimeout: httpReadTimeout, idleTimeout: httpIdleTimeout, maxConnections: httpMaxConnections)
    }
}

/// Links leave through `http.base_url`: it must be https unless it points at this machine.
public func checkBaseURL(_ url: String) throws {
    let lower = url.lowercased()
    if lower.hasPrefix("https://") { return }
    guard lower.hasPrefix("http://"), Loopback.isLoopback(url: lower) else {
        throw Settings.Failure(key: "http.base_url", problem: StaffMessage("config.not_https", ["text": url]))
    }
}
