import Foundation
import Hummingbird
import NIOCore
import OutreachModel
import OutreachRegister
import OutreachReports

/// The staff pages (read-only): the campaigns with their progress and charts, a campaign's page,
/// the bounce reports, the audit log. The campaigns part of a page is fetched again every few
/// seconds by `/staff.js` (our own script, the only one) from its `/live` twin.
struct StaffPages: Sendable {
    let web: WebContext
    let report: CampaignReport

    init(web: WebContext) {
        self.web = web
        report = CampaignReport(language: web.settings.uiLanguage ?? StaffText.language, timeZone: web.settings.officeTimeZone)
    }

    /// How many bounce reports the bounces page lists.
    static let bounceRows = 200

    func add(to router: Router<OutreachRequestContext>) {
        router.get("/") { _, _ in try await page(report.text[.home], live: "/live", body: try await campaignList()) }
        router.get("/live") { _, _ in html(try await campaignList()) }
        router.get("/campaigns/:slug") { _, context in
            let slug = try context.parameters.require("slug")
            guard let figures = try await figures(slug, audience: true) else { return notFound() }
            let live = "<div data-live=\"/campaigns/\(escapeHTML(slug))/live\" class=\"live-area\">\(report.sections(figures.withoutAudience, id: "c"))</div>"
            let audience = figures.audience.map { "<section>" + report.audience($0, id: "a") + "</section>" } ?? ""
            return page(report.text[.campaign] + " " + slug, live: nil, body: live + audience)
        }
        router.get("/campaigns/:slug/live") { _, context in
            let slug = try context.parameters.require("slug")
            guard let figures = try await figures(slug, audience: false) else { return notFound() }
            return html(report.sections(figures, id: "c"))
        }
        router.get("/bounces") { _, _ in page(report.text[.bouncesPage], live: nil, body: bounceTable(try await web.register.recentBounces(limit: Self.bounceRows))) }
        router.get("/audit") { _, _ in page(report.text[.auditPage], live: nil, body: auditTable(try await web.register.auditEntries())) }
        router.get("/staff.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Self.script)))
        }
    }

    func campaignList() async throws -> String {
        report.campaignList(try await web.register.campaignSummaries(), link: true)
    }

    func figures(_ slug: String, audience: Bool) async throws -> CampaignFigures? {
        do { return try await web.register.campaignFigures(slug, audience: audience) } catch CampaignError.unknownCampaign { return nil }
    }

    func bounceTable(_ rows: [BounceListing]) -> String {
        let t = report.text
        var out = "<div class=\"scroll\"><table class=\"campaigns\"><caption>\(t[.bouncesPage])</caption><thead><tr>"
        for key in [ReportText.Key.received, .contact, .campaign, .kind, .diagnostic, .outcome] { out += "<th scope=\"col\">\(t[key])</th>" }
        out += "</tr></thead><tbody>"
        for b in rows {
            out += "<tr><td>\(report.time(Timestamp.date(b.receivedAt)))</td><td>\(escapeHTML(b.contact ?? "—"))</td>"
            out += "<td>\(escapeHTML(b.campaign ?? "—"))</td><td>\(escapeHTML(t.state(b.kind)))</td>"
            out += "<td>\(escapeHTML([b.status, b.diagnostic].compactMap { $0 }.joined(separator: " ")))</td><td>\(escapeHTML(b.outcome))</td></tr>"
        }
        if rows.isEmpty { out += "<tr><td colspan=\"6\">\(t[.noBounces])</td></tr>" }
        return out + "</tbody></table></div>"
    }

    /// Who did what, newest first (`outreach audit` in the terminal): the last `auditRows` entries.
    func auditTable(_ entries: [AuditEntry]) -> String {
        let t = report.text
        var out = "<div class=\"scroll\"><table class=\"campaigns\"><caption>\(t[.auditPage])</caption><thead><tr>"
        for key in [ReportText.Key.auditWhen, .auditWho, .auditCommand, .auditArguments] { out += "<th scope=\"col\">\(t[key])</th>" }
        out += "</tr></thead><tbody>"
        for e in entries.suffix(Self.auditRows).reversed() {
            out += "<tr><td>\(report.time(Timestamp.date(e.at)))</td><td>\(escapeHTML(OutsideText.cleaned(e.user)))</td>"
            out += "<td>\(escapeHTML(e.command))</td><td>\(escapeHTML(OutsideText.cleaned(e.arguments.joined(separator: " "))))</td></tr>"
        }
        if entries.isEmpty { out += "<tr><td colspan=\"4\">\(t[.auditMissing])</td></tr>" }
        return out + "</tbody></table></div>"
    }

    /// How many audit entries the audit page lists.
    static let auditRows = 500

    func page(_ title: String, live: String?, body: String) -> Response {
        let t = report.text
        let nav = "<nav aria-label=\"\(t[.staffTitle])\"><a href=\"/\">\(t[.home])</a><a href=\"/bounces\">\(t[.bouncesPage])</a><a href=\"/audit\">\(t[.auditPage])</a></nav>"
        let main = live.map { "<p class=\"live\">\(t[.live])</p><div data-live=\"\($0)\" class=\"live-area\">\(body)</div>" } ?? body
        let doc = report.document(title: title, body: nav + main, generated: web.now(), head: "<script src=\"/staff.js\" defer></script>")
        return html(doc)
    }

    func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func notFound() -> Response {
        Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "Not found.\n")))
    }

    /// Fetches each `[data-live]` part's URL every few seconds and puts the answer in its place;
    /// a failed fetch leaves the part as it was and tries again.
    static let script = """
        (function () {
          "use strict";
          var every = 3000;
          function refresh(area) {
            fetch(area.getAttribute("data-live"), { credentials: "same-origin", cache: "no-store" })
              .then(function (r) { return r.ok ? r.text() : null; })
              .then(function (html) { if (html !== null) { area.innerHTML = html; area.setAttribute("data-refreshed", String(Date.now())); } })
              .catch(function () {})
              .then(function () { setTimeout(function () { refresh(area); }, every); });
          }
          document.querySelectorAll("[data-live]").forEach(function (area) { setTimeout(function () { refresh(area); }, every); });
        })();
        """
}
