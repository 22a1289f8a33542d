import Foundation
import Hummingbird
import OutreachCompose
import OutreachModel
import OutreachRegister
import Synchronization

/// View in browser (`/v/{campaign}/{lang}`, linked from the top of every message): the
/// campaign's text in that language with neutral personal fields and no token in any link, for
/// whoever has the address; search engines are asked not to index it. Drafts are not shown.
final class ViewInBrowserRoutes: Sendable {
    let web: WebContext
    /// Pages rendered once per campaign, event revision and language.
    private let rendered = Mutex(RecentlyUsed<String, String>(capacity: 256))

    init(web: WebContext) { self.web = web }

    func add(to router: Router<OutreachRequestContext>) {
        router.get("/v/:campaign/:lang") { request, context in try await self.view(request, context) }
    }

    func view(_ request: Request, _ context: OutreachRequestContext) async throws -> Response {
        guard let slug = context.parameters.get("campaign"), let lang = context.parameters.get("lang"),
              let campaign = try? await web.register.campaign(named: slug), campaign.status != .draft,
              let template = try? InvitationTemplate(snapshot: campaign.templateSnapshot), template.languages[lang] != nil
        else {
            return PublicPage.html(web.pages.render(.notFound, language: PublicPage.language(request), context: [:]), status: .notFound)
        }
        let key = "\(campaign.id!).\(campaign.eventSequence).\(lang)"
        let html = try rendered.withLock { $0.value(for: key) } ?? page(campaign, template, lang)
        rendered.withLock { $0.remember(html, for: key) }
        var response = PublicPage.html(html)
        response.headers[.init("X-Robots-Tag")!] = "noindex, nofollow"
        return response
    }

    /// The campaign's HTML for a neutral reader in `lang`, as a whole document, with every
    /// personal link (unsubscribe, RSVP, preferences, confirm) taken out.
    private func page(_ campaign: Campaign, _ template: InvitationTemplate, _ lang: String) throws -> String {
        let composer = try InvitationComposer(campaignID: campaign.id!, slug: campaign.slug, template: template, event: try campaign.event,
                                              subject: campaign.subject, sender: web.settings.sender, links: web.links)
        let reader = Recipient(id: 0, email: "", language: lang)
        let r = composer.render(reader)
        var html = r.html
        let links = web.links
        let personal = [
            links.unsubscribe(contactID: 0, campaignID: campaign.id!), links.confirm(contactID: 0, campaignID: campaign.id!),
            links.rsvp(contactID: 0, campaignID: campaign.id!, answer: "yes"), links.rsvp(contactID: 0, campaignID: campaign.id!, answer: "no"),
            links.rsvp(contactID: 0, campaignID: campaign.id!, answer: ""), links.preferences(contactID: 0),
        ]
        // The longest first: an RSVP link without its answer is the start of the two with one.
        for link in personal.sorted(by: { $0.count > $1.count }) {
            html = html.replacingOccurrences(of: HTMLEscaping.escape(link), with: "\(links.baseURL)/p")
            html = html.replacingOccurrences(of: link, with: "\(links.baseURL)/p")
        }
        if let head = html.range(of: "<head>\n") {
            html.insert(contentsOf: "<meta name=\"robots\" content=\"noindex, nofollow\">\n", at: head.upperBound)
            return html
        }
        return """
            <!DOCTYPE html>
            <html lang="\(lang)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex, nofollow">
            <title>\(HTMLEscaping.escape(r.subject))</title>
            </head>
            <body style="margin:0;padding:0;">
            \(html)
            </body>
            </html>
            """
    }
}
