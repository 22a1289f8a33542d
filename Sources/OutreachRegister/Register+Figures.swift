import Foundation
import GRDB
import OutreachModel

/// A campaign as the staff page lists it: what it is, when, and how far it got. Read from kept
/// counters (`outbox_tallies`), never by counting the outbox.
package struct CampaignSummary: Sendable, Codable, Equatable {
    package let slug: String
    package let kind: String
    package let status: String
    /// Why it is paused (the relay's words), else nil.
    package let reason: String?
    /// The event's title and venue per language, and when it starts (nil: no event).
    package let eventTitle: [String: String]?
    package let eventVenue: [String: String]?
    package let eventStart: Date?
    package let scheduledAt: Date?
    package let launchedAt: String?
    package let finishedAt: String?
    /// Outbox rows per state (`queued`, `sending`, `sent`, `retry`, `failed`, `skipped`,
    /// `cancelled`, `unconfirmed`); states without rows are absent.
    package let states: [String: Int]
    package let rsvpYes, rsvpNo, guests: Int

    /// Every outbox row.
    package var total: Int { states.values.reduce(0, +) }
    package func count(_ state: String) -> Int { states[state, default: 0] }
    /// Rows that reached an end (nothing more will happen to them).
    package var done: Int { ["sent", "failed", "skipped", "cancelled", "unconfirmed"].reduce(0) { $0 + count($1) } }
}

/// One hour of a campaign's delivery: how many attempts ended in each outcome.
package struct DeliveryHour: Sendable, Codable, Equatable {
    package let start: Date
    /// `sent`, `retry`, `failed`, `unconfirmed` → count.
    package let outcomes: [String: Int]

    package init(start: Date, outcomes: [String: Int]) { self.start = start; self.outcomes = outcomes }
}

/// One day of a campaign's RSVPs: answers given that day (UTC), by the answer they stand at now.
package struct RSVPDay: Sendable, Codable, Equatable {
    package let day: String
    package let yes, no, guests: Int

    package init(day: String, yes: Int, no: Int, guests: Int) { self.day = day; self.yes = yes; self.no = no; self.guests = guests }
}

/// Everything the report and the campaign page show of one campaign.
package struct CampaignFigures: Sendable, Codable, Equatable {
    package let summary: CampaignSummary
    package let hours: [DeliveryHour]
    /// Bounce reports about this campaign's messages by kind (`hard`, `soft`, `policy`, `complaint`, …).
    package let bounces: [String: Int]
    /// The recipients by language, country and kind (nil: not asked for).
    package let audience: Audience?
    /// Recipients whose address is now suppressed because they unsubscribed, or complained.
    package let unsubscribed, complained: Int
    package let rsvpDays: [RSVPDay]

    package struct Audience: Sendable, Codable, Equatable {
        package let languages, countries, kinds: [String: Int]
    }

    /// The same figures without the audience (the part of a page that refreshes).
    package var withoutAudience: CampaignFigures {
        CampaignFigures(summary: summary, hours: hours, bounces: bounces, audience: nil, unsubscribed: unsubscribed,
                        complained: complained, rsvpDays: rsvpDays)
    }
}

extension Register {
    /// Every campaign, newest first, with its counts: a few indexed reads whatever the outbox's size.
    package func campaignSummaries() async throws -> [CampaignSummary] {
        try await dbWriter.read { db in
            try Campaign.order(Campaign.Columns.id.desc).fetchAll(db).map { try Self.summary(db, $0) }
        }
    }

    /// The campaigns created or launched on or after `since`, oldest first, with their figures.
    package func periodFigures(since: Date) async throws -> [CampaignFigures] {
        let from = Timestamp.string(since)
        return try await dbWriter.read { db in
            try Campaign.filter(sql: "coalesce(launched_at, created_at) >= ?", arguments: [from]).order(Campaign.Columns.id)
                .fetchAll(db).map { try Self.figures(db, $0, audience: true) }
        }
    }

    /// One campaign's figures. `audience`: also who it went to (reads every recipient: the
    /// report's, not the live page's).
    package func campaignFigures(_ slug: String, audience: Bool) async throws -> CampaignFigures {
        try await dbWriter.read { db in try Self.figures(db, try Campaign.named(slug, db), audience: audience) }
    }

    static func summary(_ db: Database, _ c: Campaign) throws -> CampaignSummary {
        var states: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, n FROM outbox_tallies WHERE campaign_id = ? AND n > 0", arguments: [c.id]) {
            states[row[0]] = row[1]
        }
        let r = try Row.fetchOne(db, sql: """
            SELECT coalesce(sum(answer = 'yes'), 0), coalesce(sum(answer = 'no'), 0), coalesce(sum(guests), 0) FROM rsvps WHERE campaign_id = ?
            """, arguments: [c.id])!
        let event = try? c.event ?? nil
        return CampaignSummary(
            slug: c.slug, kind: c.kind.rawValue, status: c.status.rawValue, reason: c.status == .paused ? c.pauseReason : nil,
            eventTitle: event?.title, eventVenue: event?.venue, eventStart: event?.resolvedSchedule.start.date, scheduledAt: c.scheduledAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) },
            launchedAt: c.launchedAt, finishedAt: c.finishedAt, states: states, rsvpYes: r[0], rsvpNo: r[1], guests: r[2])
    }

    static func figures(_ db: Database, _ c: Campaign, audience: Bool) throws -> CampaignFigures {
        var hours: [Int64: [String: Int]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT hour, outcome, n FROM delivery_hours WHERE campaign_id = ?", arguments: [c.id]) {
            hours[row[0], default: [:]][row[1]] = row[2]
        }
        var bounces: [String: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT kind, count(*) FROM bounces WHERE campaign_id = ? GROUP BY kind", arguments: [c.id]) {
            bounces[row[0]] = row[1]
        }
        var days: [RSVPDay] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT substr(answered_at, 1, 10), sum(answer = 'yes'), sum(answer = 'no'), sum(guests) FROM rsvps WHERE campaign_id = ?
            GROUP BY 1 ORDER BY 1
            """, arguments: [c.id]) {
            days.append(RSVPDay(day: row[0], yes: row[1], no: row[2], guests: row[3]))
        }
        let suppressed = try Row.fetchOne(db, sql: """
            SELECT coalesce(sum(s.reason = 'unsubscribed'), 0), coalesce(sum(s.reason = 'complaint'), 0)
            FROM outbox o JOIN contacts k ON k.id = o.contact_id JOIN suppressions s ON s.email_key = k.email_key
            WHERE o.campaign_id = ? AND k.suppressed
            """, arguments: [c.id])!
        return CampaignFigures(
            summary: try summary(db, c),
            hours: hours.keys.sorted().map { DeliveryHour(start: Date(timeIntervalSince1970: Double($0) * 3600), outcomes: hours[$0]!) },
            bounces: bounces, audience: audience ? try Self.audience(db, c) : nil,
            unsubscribed: suppressed[0], complained: suppressed[1], rsvpDays: days)
    }

    static func audience(_ db: Database, _ c: Campaign) throws -> CampaignFigures.Audience {
        func tally(_ column: String) throws -> [String: Int] {
            var out: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT coalesce(k.\(column), ''), count(*) FROM outbox o JOIN contacts k ON k.id = o.contact_id
                WHERE o.campaign_id = ? GROUP BY 1
                """, arguments: [c.id]) {
                out[row[0]] = row[1]
            }
            return out
        }
        return .init(languages: try tally("language"), countries: try tally("country"), kinds: try tally("kind"))
    }
}
