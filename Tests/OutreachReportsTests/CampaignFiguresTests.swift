import Foundation
import OutreachImport
import OutreachModel
import OutreachRegister
import OutreachReports
import Testing

/// A campaign where every outcome happened: messages sent, skipped, to retry, failed,
/// unconfirmed and still queued; bounces of each kind; RSVPs yes (with guests) and no.
struct EveryOutcome {
    let register: Register
    let id: Int64
    let t0: Int64 = 1_800_000_000_000

    init() async throws {
        register = try Register()
        var importer = ContactImporter()
        importer.source = "people.csv"
        var csv = "email,name,language,country,kind,consent\n"
        let languages = ["vi", "en", "fr", "ko", "ja", "zh"], countries = ["VN", "US", "FR", "KR", "JP", "CN"]
        for i in 0..<12 {
            csv += "p\(i)@example.org,Person \(i),\(languages[i % 6]),\(countries[i % 6]),\(i % 2 == 0 ? "foreign_resident" : "overseas_vietnamese"),yes\n"
        }
        _ = try importer.importBytes(Array(csv.utf8), fileName: "people.csv", into: register)
        let c = try register.insert(Campaign(slug: "tet", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                             eventSnapshot: nil, segment: "", subject: nil, createdAt: Timestamp.string()))
        id = c.id!
        try register.launch("tet", now: Date(timeIntervalSince1970: Double(t0) / 1000))
        let claims = try register.record([], thenClaim: 10, campaignIDs: [id], nowMs: t0, leaseMs: 600_000)
        let outcomes: [OutboxResult] = [
            .sent(messageID: "<1@x>", code: 250, reply: "250 ok", relay: "smtp://a"),
            .sent(messageID: "<2@x>", code: 250, reply: "250 ok", relay: "smtp://a"),
            .sent(messageID: "<3@x>", code: 250, reply: "250 ok", relay: "smtp://a"),
            .sent(messageID: "<4@x>", code: 250, reply: "250 ok", relay: "smtp://a"),
            .sent(messageID: "<5@x>", code: 250, reply: "250 ok", relay: "smtp://a"),
            .skipped("suppressed (unsubscribed)"),
            .retry(reason: "451 later", code: 451, nextAttemptMs: t0 + 60_000, unknownOutcome: false),
            .failed(reason: "550 5.1.1 unknown", code: 550, refusal: Bounce(source: .smtp, kind: .hard, status: "5.1.1")),
            .unconfirmed(reason: "final reply lost twice"),
        ]
        // The tenth claimed row stays in `sending`; two rows were never claimed (`queued`).
        _ = try register.record(Array(zip(claims, outcomes)), thenClaim: 0, campaignIDs: [], nowMs: t0 + 3_600_000, leaseMs: 600_000)
        for (uid, (kind, n)) in [(Bounce.Kind.soft, 1), (.policy, 2), (.complaint, 3), (.unsubscribe, 4), (.autoReply, 0)].enumerated() {
            _ = try register.record([Bounce(source: .mailbox, kind: kind, status: kind == .soft ? "4.2.2" : nil, diagnostic: "test",
                                            contactId: claims[n].contactID, campaignId: id, matchedBy: "token")],
                                    mailbox: "imaps://mail.example.org/INBOX", uidValidity: 1, uid: UInt32(uid + 1))
        }
        try await register.recordRSVP(campaignID: id, contactID: claims[0].contactID, answer: .yes, guests: 2, at: "2027-01-10T08:00:00.000Z")
        try await register.recordRSVP(campaignID: id, contactID: claims[1].contactID, answer: .yes, guests: 0, at: "2027-01-11T08:00:00.000Z")
        try await register.recordRSVP(campaignID: id, contactID: claims[2].contactID, answer: .no, guests: 0, at: "2027-01-11T09:00:00.000Z")
    }
}

@Suite struct CampaignFiguresTests {
    @Test func theFiguresEqualCampaignStatusAndRSVPs() async throws {
        let w = try await EveryOutcome()
        let f = try await w.register.campaignFigures("tet", audience: true)
        let status = try w.register.progress("tet")
        let s = f.summary
        #expect(s.count("queued") == status[.queued] && s.count("sending") == status[.sending] && s.count("sent") == status[.sent])
        #expect(s.count("retry") == status[.retry] && s.count("failed") == status[.failed] && s.count("skipped") == status[.skipped])
        #expect(s.count("unconfirmed") == status[.unconfirmed] && s.count("cancelled") == status[.cancelled] && s.total == status.total)
        #expect([status[.queued], status[.sending], status[.sent], status[.retry], status[.failed], status[.skipped], status[.unconfirmed]] == [Int]([2, 1, 5, 1, 1, 1, 1]),
                "the fixture has every state")
        let rsvps = try w.register.rsvps("tet")
        #expect(s.rsvpYes == rsvps.filter { $0.answer == "yes" }.count && s.rsvpYes == status.rsvp.yes && s.rsvpYes == 2)
        #expect(s.rsvpNo == rsvps.filter { $0.answer == "no" }.count && s.rsvpNo == status.rsvp.no && s.rsvpNo == 1)
        #expect(s.guests == rsvps.reduce(0) { $0 + $1.guests } && s.guests == status.rsvp.guests && s.guests == 2)
        #expect(f.rsvpDays == [RSVPDay(day: "2027-01-10", yes: 1, no: 0, guests: 2), RSVPDay(day: "2027-01-11", yes: 1, no: 1, guests: 0)])
        var byKind: [String: Int] = [:]
        for b in try w.register.bounces() where b.campaign == "tet" { byKind[b.kind, default: 0] += 1 }
        #expect(f.bounces == byKind)
        #expect(f.bounces == ["hard": 1, "soft": 1, "policy": 1, "complaint": 1, "unsubscribe": 1, "auto-reply": 1])
        #expect(f.complained == 1 && f.unsubscribed == 1, "suppressed now by their complaint and their mailto unsubscribe")
        // Every attempt's outcome in the hour it happened.
        let hour = Date(timeIntervalSince1970: Double((w.t0 + 3_600_000) / 3_600_000 * 3600))
        #expect(f.hours == [DeliveryHour(start: hour, outcomes: ["sent": 5, "retry": 1, "failed": 1, "unconfirmed": 1])])
        let a = try #require(f.audience)
        #expect(a.languages.values.reduce(0, +) == status.total && a.countries.values.reduce(0, +) == status.total)
        #expect(a.kinds == ["foreign_resident": 6, "overseas_vietnamese": 6])
    }

    @Test func theSummariesFollowEveryChangeOfState() async throws {
        let w = try await EveryOutcome()
        _ = try w.register.control("tet", .cancel)
        let status = try w.register.progress("tet")
        let s = try #require(try await w.register.campaignSummaries().first { $0.slug == "tet" })
        #expect(s.count("cancelled") == status[.cancelled] && status[.cancelled] == 3, "queued and retry rows were cancelled")
        #expect(s.count("queued") == 0 && s.count("retry") == 0 && s.total == status.total && s.status == "cancelled")
    }

    @Test func theReportIsSelfContainedWithAChartAndATablePerFigure() async throws {
        let w = try await EveryOutcome()
        let f = try await w.register.campaignFigures("tet", audience: true)
        for language in StaffLanguage.allCases {
            let html = CampaignReport(language: language).campaignDocument(f, generated: Date(timeIntervalSince1970: 1_800_000_000))
            #expect(html.contains("<html lang=\"\(language.rawValue)\""))
            // Nothing fetched: no src, no link to a stylesheet, no url(), no @import, no http reference but SVG's namespace.
            for pattern in ["src=", "<link", "url(", "@import", "<script"] { #expect(!html.contains(pattern), "\(language): \(pattern)") }
            #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").range(of: "https?:", options: .regularExpression) == nil)
            let charts = html.components(separatedBy: "<svg").count - 1
            #expect(charts >= 7 && html.components(separatedBy: "<table class=\"data\">").count - 1 == charts, "each chart has its table")
            #expect(html.contains("@page{size:A4"))
        }
        let vi = CampaignReport(language: .vi).campaignDocument(f, generated: Date())
        #expect(vi.contains("Phản hồi tham dự") && vi.contains("Thư trả về theo loại"))
    }

    @Test func aPeriodReportListsTheCampaignsSinceItsDay() async throws {
        let w = try await EveryOutcome()
        let launched = Date(timeIntervalSince1970: Double(w.t0) / 1000)
        #expect(try await w.register.periodFigures(since: launched.addingTimeInterval(-86_400)).map(\.summary.slug) == ["tet"])
        #expect(try await w.register.periodFigures(since: launched.addingTimeInterval(86_400)).isEmpty)
    }
}

@Suite struct SVGChartTests {
    @Test func barsDrawOneBarPerNonZeroValueWithItsNumberAndATableRow() {
        let chart = SVGChart(.bars, title: "By <kind>", categoryHeading: "Kind", categories: ["a", "b", "c"], series: [.init("Count", [3, 0, 5])])
        let html = chart.html(id: "t")
        #expect(html.components(separatedBy: "<rect").count - 1 == 2)
        #expect(html.contains(">3</text>") && html.contains(">5</text>"))
        #expect(html.contains("<title id=\"t-t\">By &lt;kind&gt;</title>") && html.contains("aria-labelledby=\"t-t\""))
        #expect(html.contains("<tr><th scope=\"row\">b</th><td>0</td></tr>"))
    }

    @Test func stackedBarsStackTheirSeriesAndTheLegendNamesThem() {
        let chart = SVGChart(.stackedBars, title: "T", categoryHeading: "Hour", categories: ["1", "2"],
                             series: [.init("sent", [4, 2]), .init("failed", [1, 0])])
        let html = chart.html(id: "s")
        #expect(html.contains(">5</text>") && html.contains(">2</text>"), "each stack is labelled with its total")
        #expect(html.contains(">sent</text>") && html.contains(">failed</text>"))
    }

    @Test func aLineHasOnePolylinePerSeries() {
        let chart = SVGChart(.line, title: "T", categoryHeading: "Day", categories: ["d1", "d2", "d3"],
                             series: [.init("yes", [1, 2, 3]), .init("no", [0, 1, 0])])
        #expect(chart.html(id: "l").components(separatedBy: "<polyline").count - 1 == 2)
    }
}
