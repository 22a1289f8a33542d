import Foundation
import OutreachModel
import OutreachRegister

/// The HTML of campaign figures: a campaign's sections (the report, the staff campaign page),
/// the list of campaigns (the staff home page, the period overview) and a whole self-contained
/// document around them (inline CSS and SVG, nothing fetched, prints on A4).
public struct CampaignReport: Sendable {
    public let text: ReportText
    /// Times are shown in the office's zone, with their offset.
    public let timeZone: TimeZone

    public init(language: StaffLanguage, timeZone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!) {
        text = ReportText(language)
        self.timeZone = timeZone
    }

    /// `2027-01-30 18:00 +07:00`.
    public func time(_ date: Date?) -> String {
        guard let date else { return "—" }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd HH:mm xxx"
        return f.string(from: date)
    }

    func time(_ stamp: String?) -> String { stamp.flatMap(Timestamp.date).map { time($0) } ?? "—" }

    func title(_ s: CampaignSummary) -> String {
        s.eventTitle.flatMap { $0[text.language.rawValue] ?? $0["en"] ?? $0.values.first } ?? s.slug
    }

    /// One campaign: the event, delivery, bounces, opt-outs, RSVPs (and the audience when read).
    package func sections(_ f: CampaignFigures, id: String) -> String {
        let s = f.summary
        var out = "<section aria-labelledby=\"\(id)-h\"><h2 id=\"\(id)-h\">\(escapeHTML(title(s))) <small>(\(escapeHTML(s.slug)))</small></h2>\n"
        out += "<dl class=\"facts\">"
        out += fact(.status, text.state(s.status) + (s.reason.map { " — " + $0 } ?? ""))
        if let start = s.eventStart { out += fact(.starts, time(start)) }
        if let venue = s.eventVenue.flatMap({ $0[text.language.rawValue] ?? $0["en"] }) { out += fact(.venue, venue) }
        out += fact(.schedule, time(s.scheduledAt)) + fact(.launched, time(s.launchedAt)) + "</dl>\n"
        out += progress(s, id: id)
        out += "<h3>\(text[.delivery])</h3>\n"
        let states = ["sent", "queued", "sending", "retry", "failed", "skipped", "cancelled", "unconfirmed"]
        out += SVGChart(.bars, title: text[.deliveryStates], categoryHeading: text[.status], categories: states.map(text.state),
                        series: [.init(text[.count], states.map(s.count))]).html(id: "\(id)-states")
        let outcomes = ["sent", "retry", "failed", "unconfirmed"]
        out += SVGChart(.stackedBars, title: text[.deliveryOverTime], categoryHeading: text[.hour],
                        categories: f.hours.map { hourLabel($0.start) },
                        series: outcomes.map { o in .init(text.state(o), f.hours.map { $0.outcomes[o, default: 0] }) }).html(id: "\(id)-hours")
        out += "<h3>\(text[.bounces])</h3>\n"
        if f.bounces.isEmpty { out += "<p>\(text[.noBounces])</p>\n" } else {
            let kinds = f.bounces.keys.sorted()
            out += SVGChart(.bars, title: text[.bounces], categoryHeading: text[.kind], categories: kinds.map(text.state),
                            series: [.init(text[.count], kinds.map { f.bounces[$0]! })]).html(id: "\(id)-bounces")
        }
        out += "<h3>\(text[.optOuts])</h3>\n<dl class=\"facts\">" + fact(.unsubscribed, "\(f.unsubscribed)") + fact(.complained, "\(f.complained)") + "</dl>\n"
        out += "<h3>\(text[.rsvps])</h3>\n"
        let none = max(0, s.count("sent") - s.rsvpYes - s.rsvpNo)
        out += SVGChart(.bars, title: text[.rsvps], categoryHeading: text[.rsvps], categories: [text[.yes], text[.no], text[.none], text[.guests]],
                        series: [.init(text[.count], [s.rsvpYes, s.rsvpNo, none, s.guests])]).html(id: "\(id)-rsvp")
        if !f.rsvpDays.isEmpty {
            out += SVGChart(.line, title: text[.rsvpsOverTime], categoryHeading: text[.day], categories: f.rsvpDays.map(\.day),
                            series: [.init(text[.yes], f.rsvpDays.map(\.yes)), .init(text[.no], f.rsvpDays.map(\.no)),
                                     .init(text[.guests], f.rsvpDays.map(\.guests))]).html(id: "\(id)-rsvpdays")
        }
        if let a = f.audience { out += audience(a, id: id) }
        return out + "</section>\n"
    }

    /// Who a campaign went to: by language, country and kind.
    package func audience(_ a: CampaignFigures.Audience, id: String) -> String {
        var out = "<h3>\(text[.audience])</h3>\n"
        for (n, (key, counts, words)) in [(ReportText.Key.byLanguage, a.languages, false), (.byCountry, a.countries, false), (.byKind, a.kinds, true)].enumerated() {
            let keys = counts.keys.sorted { counts[$0]! != counts[$1]! ? counts[$0]! > counts[$1]! : $0 < $1 }
            out += SVGChart(.bars, title: text[key], categoryHeading: text[key], categories: keys.map { $0.isEmpty ? text[.unknown] : words ? text.state($0) : $0 },
                            series: [.init(text[.count], keys.map { counts[$0]! })]).html(id: "\(id)-audience-\(n)")
        }
        return out
    }

    /// The campaigns as a table with progress bars, and one stacked chart of their states.
    package func campaignList(_ summaries: [CampaignSummary], link: Bool) -> String {
        var out = "<table class=\"campaigns\"><caption>\(text[.campaigns])</caption><thead><tr>"
        for key in [ReportText.Key.campaign, .status, .schedule, .progress, .total, .rsvps] { out += "<th scope=\"col\">\(text[key])</th>" }
        out += "</tr></thead><tbody>"
        for s in summaries {
            let name = escapeHTML(title(s)) + " <small>(\(escapeHTML(s.slug)))</small>"
            out += "<tr><th scope=\"row\">" + (link ? "<a href=\"/campaigns/\(escapeHTML(s.slug))\">\(name)</a>" : name) + "</th>"
            out += "<td>\(escapeHTML(text.state(s.status)))\(s.reason.map { "<br><small>" + escapeHTML($0) + "</small>" } ?? "")</td>"
            out += "<td>\(time(s.scheduledAt))</td><td>\(progress(s, id: "p-" + s.slug))</td><td>\(s.total)</td>"
            out += "<td>\(text[.yes]) \(s.rsvpYes) · \(text[.no]) \(s.rsvpNo) · \(text[.guests]) \(s.guests)</td></tr>"
        }
        out += "</tbody></table>\n"
        let states = ["sent", "queued", "sending", "retry", "failed", "skipped", "cancelled", "unconfirmed"]
        if !summaries.isEmpty {
            out += SVGChart(.stackedBars, title: text[.deliveryStates], categoryHeading: text[.campaign], categories: summaries.map(\.slug),
                            series: states.map { st in .init(text.state(st), summaries.map { $0.count(st) }) }).html(id: "all-states")
        }
        return out
    }

    func progress(_ s: CampaignSummary, id: String) -> String {
        let label = "\(s.done) / \(s.total)"
        return "<progress id=\"\(escapeHTML(id))\" max=\"\(max(1, s.total))\" value=\"\(s.done)\" aria-label=\"\(text[.progress]) \(escapeHTML(s.slug)): \(label)\"></progress> <span>\(label)</span>"
    }

    func fact(_ key: ReportText.Key, _ value: String) -> String { "<dt>\(text[key])</dt><dd>\(escapeHTML(value))</dd>" }

    func hourLabel(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "MM-dd HH:00"
        return f.string(from: date)
    }

    /// `outreach report SLUG`: one campaign.
    package func campaignDocument(_ f: CampaignFigures, generated: Date) -> String {
        document(title: "\(text[.reportTitle]): \(title(f.summary))", body: sections(f, id: "c0"), generated: generated)
    }

    /// `outreach report --all --since DATE`: the period's campaigns, their totals, then each one.
    package func periodDocument(_ figures: [CampaignFigures], since: Date, generated: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = "yyyy-MM-dd"
        var body = campaignList(figures.map(\.summary), link: false)
        let sent = figures.reduce(0) { $0 + $1.summary.count("sent") }
        let yes = figures.reduce(0) { $0 + $1.summary.rsvpYes }, guests = figures.reduce(0) { $0 + $1.summary.guests }
        body += "<dl class=\"facts\">" + fact(.campaigns, "\(figures.count)") + fact(.total, "\(text.state("sent")): \(sent)")
            + fact(.rsvps, "\(text[.yes]) \(yes) · \(text[.guests]) \(guests)") + "</dl>\n"
        for (i, one) in figures.enumerated() { body += sections(one, id: "c\(i)") }
        return document(title: "\(text[.periodTitle]) \(f.string(from: since))", body: body, generated: generated)
    }

    /// A whole HTML document: `body` under a heading, the styles inline, nothing fetched.
    public func document(title: String, body: String, generated: Date, head: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="\(text.language.rawValue)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escapeHTML(title))</title>\(head)
        <style>\(Self.style)</style></head>
        <body><main><h1>\(escapeHTML(title))</h1>
        <p class="meta">\(text[.generated]): \(time(generated))</p>
        \(body)
        </main></body></html>
        """
    }

    static let style = """
        body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;color:#1a1a1a;background:#fff;margin:0;line-height:1.4}
        main{max-width:60rem;margin:0 auto;padding:1rem}
        h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:2px solid #1d4f91;padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.1rem}
        small{color:#444}a{color:#0b4a8b}
        .meta{color:#444}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}
        figure.chart{margin:1rem 0;break-inside:avoid}figcaption{font-weight:bold}
        .chart-svg{width:100%;max-width:640px;height:auto;display:block}
        table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #999;padding:.2rem .5rem;text-align:left}
        td{text-align:right}table.campaigns td{text-align:left}caption{text-align:left;font-weight:bold}
        .scroll{overflow-x:auto}
        progress{width:8rem}
        nav a{margin-right:1rem}
        @media (max-width:40rem){table.campaigns,table.campaigns tbody,table.campaigns tr,table.campaigns th,table.campaigns td{display:block}
          table.campaigns thead{display:none}table.campaigns tr{border-bottom:2px solid #999;margin-bottom:.5rem}}
        @page{size:A4;margin:15mm}
        @media print{main{max-width:none;padding:0}nav,.live{display:none}h2{break-before:page}h2:first-of-type{break-before:auto}}
        """
}
