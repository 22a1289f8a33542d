import Foundation
import Hummingbird
import Metrics
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister

/// The pages behind the links in every message: unsubscribe (with RFC 8058 one-click), the double
/// opt-in, RSVP. A GET (or HEAD) never changes anything: mail scanners fetch every link. A bad
/// token gets a plain 404 page that says nothing about why.
struct RecipientRoutes: Sendable {
    let web: WebContext
    static let bodyLimit = 4096
    static let unsubscribes = Counter(label: "outreach_unsubscribes_total")
    static let confirmations = Counter(label: "outreach_confirmations_total")
    static let rsvps = Counter(label: "outreach_rsvps_total")

    func add(to router: Router<OutreachRequestContext>) {
        router.get("/u/:token") { request, context in try await self.unsubscribePage(request, context) }
        router.post("/u/:token") { request, context in try await self.unsubscribe(request, context) }
        router.get("/c/:token") { request, context in try await self.confirmPage(request, context) }
        router.post("/c/:token") { request, context in try await self.confirm(request, context) }
        router.get("/r/:token") { request, context in try await self.rsvpPage(request, context) }
        router.post("/r/:token") { request, context in try await self.rsvp(request, context) }
        addSeatRoutes(to: router)
    }

    /// What a valid token leads to, read in one go.
    struct Subject {
        let claim: LinkClaim
        let contact: Contact?
        let campaign: CampaignFacts?
        var templateLanguage: String? { campaign?.defaultLanguage }
    }

    /// `fresh`: read the campaign even when its facts are known (RSVP pages follow change notices).
    func subject(_ context: OutreachRequestContext, _ purpose: LinkPurpose, fresh: Bool = false) async throws -> Subject? {
        guard let token = context.parameters.get("token"), let claim = web.links.signer.open(token, as: purpose) else { return nil }
        var known = web.campaignFacts(claim.campaignID)
        if fresh, let facts = known, let now = try await web.register.eventRevision(campaignID: claim.campaignID),
           now.sequence != facts.revision || now.cancelled != facts.cancelled {
            known = nil
        }
        // One SELECT (the campaign is read once, then its facts are cached): consistent on its own,
        // so no transaction around it.
        let (contact, campaign) = try await web.register.linkTarget(contactID: claim.contactID, campaignID: claim.campaignID,
                                                                    withCampaign: known == nil)
        return Subject(claim: claim, contact: contact, campaign: try known ?? campaign.map(web.rememberFacts))
    }

    /// The person's language, else Vietnamese for overseas Vietnamese and English for others, else
    /// the campaign's; without a person, what the browser asks for.
    private func language(_ request: Request, _ s: Subject?) -> String {
        if let contact = s?.contact {
            return web.pages.language([contact.language, Language.fallback(for: contact.kind), s?.templateLanguage])
        }
        let accept = request.headers[.acceptLanguage]?.split(separator: ",").first.map { String($0.prefix { $0 != ";" }).trimmingCharacters(in: .whitespaces) }
        return web.pages.language([s?.templateLanguage, s == nil ? accept : nil])
    }

    func page(_ page: PageRenderer.Page, _ request: Request, _ s: Subject?, status: HTTPResponse.Status = .ok,
                      extra: [String: Any] = [:]) -> Response {
        let lang = language(request, s)
        // The per-person parts of a page (its form target, the address, the name) go in last:
        // everything else is rendered once per page, language and campaign.
        let personal = [request.uri.path, s?.contact?.email ?? "", s?.contact?.name ?? "",
                        s?.contact?.id.map { web.links.preferences(contactID: $0) } ?? ""]
        let key = "\(page.rawValue)|\(lang)|\(s?.campaign?.id ?? 0).\(s?.campaign?.revision ?? 0)|\(s?.contact == nil)"
        // The personal values always go in through the markers, escaped by `HTMLEscaping`.
        let html: String
        if extra.isEmpty, let pieces = web.pageCache(key) {
            html = pieces.fill(personal, html: true)
        } else {
            let values = personal.indices.map(PersonalizedText.marker)
            var context: [String: Any] = ["sender": ["name": web.settings.senderName, "email": web.settings.senderFrom]]
            if s?.contact != nil {
                context["contact"] = ["email": values[1], "name": values[2]]
                context["preferences_url"] = values[3]
            }
            if let fields = s?.campaign?.eventFields(lang) {
                context["event"] = fields
                // The organizer's name in the page's language reads better than the configured one.
                if let name = fields["organizer_name"] { context["sender"] = ["name": name, "email": web.settings.senderFrom] }
            }
            context["action_url"] = values[0]
            context.merge(extra) { _, new in new }
            let pieces = PersonalizedText(cutting: web.pages.render(page, language: lang, context: context))
            if extra.isEmpty { web.rememberPage(key, pieces) }
            html = pieces.fill(personal, html: true)
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func notFound(_ request: Request) -> Response { page(.notFound, request, nil, status: .notFound) }

    /// Evidence for the ledger: when (the row's own time), from where, with what.
    private func evidence(_ request: Request, _ context: OutreachRequestContext, _ what: String) -> String {
        // Behind a reverse proxy the peer is the proxy: its X-Forwarded-For (unverified) names the client.
        let forwarded = request.headers[.init("X-Forwarded-For")!].map { "; forwarded-for=\($0.prefix(100))" } ?? ""
        let ip = (context.peer ?? "unknown") + forwarded
        let agent = request.headers[.userAgent].map { String($0.prefix(200)) } ?? "-"
        return "\(what); ip=\(ip); user-agent=\(agent)"
    }

    // MARK: unsubscribe

    func unsubscribePage(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let s = try await subject(context, .unsubscribe), s.contact != nil else { return notFound(request) }
        return page(.unsubscribe, request, s)
    }

    /// The contact is read by the unsubscribe's own transaction (`UnsubscribeBatcher`); only the
    /// first click of a campaign the daemon has not seen yet reads the campaign first.
    func unsubscribe(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let token = context.parameters.get("token"), let claim = web.links.signer.open(token, as: .unsubscribe) else {
            return notFound(request)
        }
        var campaign = web.campaignFacts(claim.campaignID)
        if campaign == nil { campaign = try await subject(context, .unsubscribe)?.campaign }
        let oneClick = try await Self.form(request)["List-Unsubscribe"] == "One-Click"
        let why = evidence(request, context, "\(oneClick ? "one-click" : "unsubscribe page") from campaign \(campaign?.slug ?? "-")")
        // A repeated click (or a second one-click POST) finds it done and writes nothing; an
        // erased contact is already suppressed by hash: answering 200 is still the truth.
        let (contact, changed) = try await web.unsubscribes.unsubscribe(contactID: claim.contactID, evidence: why)
        if changed { Self.unsubscribes.increment() }
        return page(.unsubscribed, request, Subject(claim: claim, contact: contact, campaign: campaign))
    }

    // MARK: double opt-in

    /// Whether the confirm link has outlived `links.confirm_max_age` (counted from when it was sent).
    private func expired(_ s: Subject) async throws -> Bool {
        guard let sent = try await web.register.linkSentAt(campaignID: s.claim.campaignID, contactID: s.claim.contactID) else { return true }
        return web.now().timeIntervalSince(sent) > Double(web.settings.confirmMaxAge.components.seconds)
    }

    func confirmPage(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let s = try await subject(context, .confirm), let contact = s.contact else { return notFound(request) }
        if try await web.register.hasConfirmed(contact) { return page(.confirmed, request, s) }
        if try await expired(s) { return page(.confirmExpired, request, s, status: .gone) }
        return page(.confirm, request, s)
    }

    func confirm(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let s = try await subject(context, .confirm), let contact = s.contact else { return notFound(request) }
        _ = try await request.body.collect(upTo: Self.bodyLimit)
        if try await expired(s) { return page(.confirmExpired, request, s, status: .gone) }
        let why = evidence(request, context, "confirmed from campaign \(s.campaign?.slug ?? "-")")
        let confirmed = try await web.register.confirmOptIn(contact, evidence: why)
        guard confirmed else { return page(.confirmRefused, request, s) }
        Self.confirmations.increment()
        return page(.confirmed, request, s)
    }

    // MARK: RSVP

    /// A valid RSVP token's person, campaign and event, and whether replies are closed (past the
    /// deadline, or the campaign cancelled: then the reason).
    private func rsvpSubject(_ context: OutreachRequestContext) async throws -> (Subject, Contact, CampaignFacts, closed: String?)? {
        guard let s = try await subject(context, .rsvp, fresh: true), let contact = s.contact, let campaign = s.campaign,
              let event = campaign.event else { return nil }
        // The event itself cancelled (a cancellation notice): its own page.
        if campaign.cancelled { return (s, contact, campaign, "event-cancelled") }
        if try await web.register.campaignStatus(id: campaign.id) == .cancelled { return (s, contact, campaign, "cancelled") }
        if let deadline = event.rsvpDeadlineDate, web.now() > deadline { return (s, contact, campaign, "deadline") }
        return (s, contact, campaign, nil)
    }

    /// The form, with the answer of the link (`?answer=yes|no`) or the one on record preselected.
    /// Records nothing: scanners open this link too.
    func rsvpPage(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let (s, contact, campaign, closed) = try await rsvpSubject(context) else { return notFound(request) }
        let existing = try await web.register.rsvp(campaignID: campaign.id, contactID: contact.id!)
        let shown = (answer: existing?.answer.rawValue, guests: existing?.guests ?? 0)
        if closed == "event-cancelled" { return page(.rsvpCancelled, request, s) }
        if let closed { return page(.rsvpClosed, request, s, extra: answerFields(shown).merging(["cancelled": closed == "cancelled"]) { _, n in n }) }
        let asked = request.uri.queryParameters.get("answer").flatMap { $0 == "yes" || $0 == "no" ? $0 : nil }
        var extra = answerFields((asked ?? shown.answer, shown.guests))
        if let existing, existing.seat != nil {
            let seat = SeatFields(outcome: RSVPOutcome(seat: existing.seat, ahead: try await web.register.waitlistAhead(existing)),
                                  guests: existing.guests, campaignID: campaign.id, contactID: contact.id!, links: web.links)
            extra.merge(seat.values) { _, n in n }
            if seat.showsTickets {
                var response = page(.rsvp, request, s, extra: extra)
                response.headers[.contentSecurityPolicy] = SeatFields.policy
                return response
            }
        }
        return page(.rsvp, request, s, extra: extra)
    }

    /// Records the answer of the form (`answer`, `guests`); changeable until replies close.
    func rsvp(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        let form = try await Self.form(request)
        guard let (s, contact, campaign, closed) = try await rsvpSubject(context) else { return notFound(request) }
        let existing = try await web.register.rsvp(campaignID: campaign.id, contactID: contact.id!)
        let shown = (answer: existing?.answer.rawValue, guests: existing?.guests ?? 0)
        let closedPage = { (why: String) in
            self.page(.rsvpClosed, request, s, extra: self.answerFields(shown).merging(["cancelled": why == "cancelled"]) { _, n in n })
        }
        if closed == "event-cancelled" { return page(.rsvpCancelled, request, s, status: .gone) }
        if let closed { return closedPage(closed) }
        guard let answer = form["answer"].flatMap(RSVP.Answer.init(rawValue:)) else {
            return page(.rsvp, request, s, status: .badRequest, extra: answerFields(shown))
        }
        var guests = shown.guests
        if let text = form["guests"], !text.isEmpty {
            guard let g = Int(text), (0...RSVP.maxGuests).contains(g) else {
                return page(.rsvp, request, s, status: .badRequest, extra: answerFields((answer.rawValue, shown.guests)))
            }
            guests = g
        }
        if answer == .no { guests = 0 }
        guard let outcome = try await web.register.recordRSVP(campaignID: campaign.id, contactID: contact.id!, answer: answer, guests: guests) else {
            return closedPage("cancelled")
        }
        Self.rsvps.increment()
        let seat = SeatFields(outcome: outcome, guests: guests, campaignID: campaign.id, contactID: contact.id!, links: web.links)
        var response = page(.rsvpRecorded, request, s, extra: answerFields((answer.rawValue, guests)).merging(seat.values.merging(["recorded": true]) { _, n in n }) { _, n in n })
        if seat.showsTickets { response.headers[.contentSecurityPolicy] = SeatFields.policy }
        return response
    }

    private func answerFields(_ shown: (answer: String?, guests: Int)) -> [String: Any] {
        ["answer_yes": shown.answer == "yes", "answer_no": shown.answer == "no", "guests": shown.guests]
    }

    /// An urlencoded or multipart form body, capped at a few KB.
    static func form(_ request: Request) async throws -> [String: String] {
        let body = String(buffer: try await request.body.collect(upTo: bodyLimit))
        let type = request.headers[.contentType] ?? ""
        var fields: [String: String] = [:]
        if type.hasPrefix("multipart/form-data") {
            for part in body.components(separatedBy: "Content-Disposition: form-data; name=\"").dropFirst() {
                guard let end = part.firstIndex(of: "\"") else { continue }
                let name = String(part[..<end])
                let value = part.components(separatedBy: "\r\n\r\n").dropFirst().first?.components(separatedBy: "\r\n").first ?? ""
                fields[name] = value
            }
        } else {
            for (name, value) in PublicPage.urlencoded(body) { fields[name] = value }
        }
        return fields
    }
}
