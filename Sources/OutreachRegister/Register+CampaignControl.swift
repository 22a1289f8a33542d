import Foundation
import GRDB
import OutreachModel

/// A campaign's progress, as `campaign status` prints it.
public struct CampaignStatus: Sendable, Encodable {
    public let slug: String
    public let status: String
    /// Why the daemon paused it (the relay's words and what to change); null otherwise.
    public let reason: String?
    public let queued, sending, sent, retry, failed, skipped, cancelled, unconfirmed: Int
    public let total: Int
    /// Messages accepted per relay, and each relay's state as the daemon last saw it.
    public let relays: [RelayReport]
    /// Messages sent per second since sending started.
    public let rate: Double
    /// Seconds until what is left is sent at that rate (nil when unknown).
    public let etaSeconds: Int?
    public let unknownOutcomes: Int
    public let rsvp: RSVPCounts
    public let tests: Int
    /// When it starts (or started), ISO 8601; a reminder set with `event-2d` follows its event.
    /// The register writes UTC; the CLI shows it in the office's zone (`startsAt`).
    public var scheduledAt: String? = nil
    /// The same instant, for showing it in the office's zone (not encoded).
    public var startsAt: Date? { scheduledAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } }
    var scheduledAtMs: Int64? = nil
    /// A reminder's or notice's invitation, and what it is (`invitation`, `reminder`, `update`, `cancellation`).
    public var of: String? = nil
    public var kind: String = "invitation"

    /// Answers, and at an event with a capacity the seats: people confirmed, waitlisted, offered,
    /// and tickets checked in at the door (people and guests).
    public struct RSVPCounts: Sendable, Encodable { public let yes, no, guests, confirmed, waitlisted, offered, checkedIn: Int }
    public var done: Int { sent + failed + skipped + cancelled + unconfirmed }

    enum CodingKeys: String, CodingKey {
        case slug, status, reason, queued, sending, sent, retry, failed, skipped, cancelled, unconfirmed, total, relays
        case rate, etaSeconds, unknownOutcomes, rsvp, tests, scheduledAt, of, kind
    }

    /// Every key always present: `reason` is null, not missing, when there is none.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(slug, forKey: .slug); try c.encode(status, forKey: .status); try c.encode(reason, forKey: .reason)
        for (key, value) in [(CodingKeys.queued, queued), (.sending, sending), (.sent, sent), (.retry, retry), (.failed, failed),
                             (.skipped, skipped), (.cancelled, cancelled), (.unconfirmed, unconfirmed), (.total, total),
                             (.unknownOutcomes, unknownOutcomes), (.tests, tests)] {
            try c.encode(value, forKey: key)
        }
        try c.encode(relays, forKey: .relays); try c.encode(rate, forKey: .rate); try c.encode(etaSeconds, forKey: .etaSeconds)
        try c.encode(rsvp, forKey: .rsvp)
        try c.encode(scheduledAt, forKey: .scheduledAt); try c.encode(of, forKey: .of); try c.encode(kind, forKey: .kind)
    }
}

/// One relay as `campaign status` shows it.
public struct RelayReport: Sendable, Encodable, Equatable {
    public let url: String
    /// `up`, `cooling` or `faulted` (nil: the daemon has not used it yet).
    public let state: String?
    public let reason: String?
    /// This campaign's messages it accepted.
    public let sent: Int
}

/// One invited person and their answer, as `campaign rsvps` lists it: `answer` is `yes`, `no`
/// or `none` (not answered: the people to phone).
public struct RSVPEntry: Sendable, Encodable {
    public let email, name: String
    public let language: String?
    public let answer: String
    public let guests: Int
    /// The seat given at the event (null until seats are given).
    public let seat: String?
    /// When they answered (ISO 8601 UTC as stored; the CLI shows it in office time).
    public var answeredAt: String?

    enum CodingKeys: String, CodingKey { case email, name, language, answer, guests, seat, answeredAt }

    /// Every key always present (`seat` and `answered_at` are null, not missing).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(email, forKey: .email); try c.encode(name, forKey: .name); try c.encode(language, forKey: .language)
        try c.encode(answer, forKey: .answer); try c.encode(guests, forKey: .guests); try c.encode(seat, forKey: .seat)
        try c.encode(answeredAt, forKey: .answeredAt)
    }
}

extension Register {
    public func status(_ slug: String, now: Date = Date()) throws -> CampaignStatus {
        try dbWriter.read { db in
            let c = try Campaign.named(slug, db)
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox WHERE campaign_id = ? GROUP BY state", arguments: [c.id]) {
                counts[row[0]] = row[1]
            }
            let unknown = try Int.fetchOne(db, sql: "SELECT unknown_outcomes FROM campaigns WHERE id = ?", arguments: [c.id]) ?? 0
            // The rate since sending started (launch or schedule time): cheap on a million rows.
            let startedMs = c.scheduledAtMs ?? Timestamp.milliseconds(now)
            let elapsed = max(1, Double(Timestamp.milliseconds(now) - startedMs) / 1000)
            let r = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(answer = 'yes'), 0), coalesce(sum(answer = 'no'), 0), coalesce(sum(guests), 0),
                    coalesce(sum(seat = 'confirmed'), 0), coalesce(sum(seat = 'waitlisted'), 0), coalesce(sum(seat = 'offered'), 0),
                    (SELECT count(*) FROM checkins WHERE campaign_id = ?) + (SELECT count(*) FROM walk_ins WHERE campaign_id = ?)
                FROM rsvps WHERE campaign_id = ?
                """, arguments: [c.id, c.id, c.id])!
            let tests = try Int.fetchOne(db, sql: "SELECT count(*) FROM test_sends WHERE campaign_id = ?", arguments: [c.id]) ?? 0
            let left = counts["queued", default: 0] + counts["retry", default: 0] + counts["sending", default: 0]
            let rate = c.status == .running || c.status == .finished ? Double(counts["sent", default: 0]) / elapsed : 0
            var relays: [String: (state: String?, reason: String?, sent: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT url, state, reason FROM relays") { relays[row[0]] = (row[1], row[2], 0) }
            for row in try Row.fetchAll(db, sql: """
                SELECT relay, count(*) FROM outbox WHERE campaign_id = ? AND state = 'sent' AND relay IS NOT NULL GROUP BY relay
                """, arguments: [c.id]) {
                relays[row[0], default: (nil, nil, 0)].sent = row[1]
            }
            return CampaignStatus(
                slug: c.slug, status: c.status.rawValue, reason: c.status == .paused ? c.pauseReason : nil, queued: counts["queued", default: 0], sending: counts["sending", default: 0],
                sent: counts["sent", default: 0], retry: counts["retry", default: 0], failed: counts["failed", default: 0],
                skipped: counts["skipped", default: 0], cancelled: counts["cancelled", default: 0],
                unconfirmed: counts["unconfirmed", default: 0], total: counts.values.reduce(0, +),
                relays: relays.sorted { $0.key < $1.key }.map { RelayReport(url: $0.key, state: $0.value.state, reason: $0.value.reason, sent: $0.value.sent) },
                rate: rate, etaSeconds: left == 0 ? 0 : rate > 0 ? Int(Double(left) / rate) : nil, unknownOutcomes: unknown,
                rsvp: .init(yes: r[0], no: r[1], guests: r[2], confirmed: r[3], waitlisted: r[4], offered: r[5], checkedIn: r[6]), tests: tests,
                scheduledAt: c.scheduledAtMs.map { Timestamp.string(Date(timeIntervalSince1970: Double($0) / 1000)) },
                scheduledAtMs: c.scheduledAtMs, of: c.parentSlug, kind: c.kind.rawValue)
        }
    }

    /// Pause (workers stop claiming within a second), resume, or cancel (what is still queued or
    /// waiting for a retry becomes `cancelled`; a message in the middle of sending finishes).
    public enum Control: String, Sendable { case pause, resume, cancel }

    /// Executes a staff control in one transaction: reads the campaign's phase, asks
    /// `CampaignTransition` (a refusal throws `CampaignError.badState`), writes its answer and
    /// what the answer implies. Returns the campaign after it and how many messages it cancelled.
    @discardableResult
    public func control(_ slug: String, _ action: Control, now: Date = Date()) throws -> (Campaign, Int) {
        try dbWriter.write { db in
            var c = try Campaign.named(slug, db)
            let startsLater = (c.scheduledAtMs ?? 0) > Timestamp.milliseconds(now)
            var changed = 0
            switch action {
            case .pause:
                try c.take(.pause)
            case .resume:
                try c.take(.resume(startsLater: startsLater))
                // The relays get another chance: the daemon tries them again.
                try db.execute(sql: "DELETE FROM relays WHERE state = 'faulted'")
            case .cancel:
                try c.take(.cancel)
                try db.execute(sql: """
                    UPDATE outbox SET state = 'cancelled', updated_at_ms = ? WHERE campaign_id = ? AND state IN ('queued','retry')
                    """, arguments: [Timestamp.milliseconds(now), c.id])
                changed = db.changesCount
                c.finishedAt = Timestamp.string(now)
            }
            try c.update(db)
            return (c, changed)
        }
    }

    /// Everyone the campaign invited (its outbox, test sends aside), with their answer or `none`.
    public func rsvps(_ slug: String) throws -> [RSVPEntry] {
        // Everyone invited (the outbox), and anyone who answered without being in it.
        try dbWriter.read { db in
            let c = try Campaign.named(slug, db)
            return try Row.fetchAll(db, sql: """
                SELECT k.email, k.name, k.language, coalesce(r.answer, 'none'), coalesce(r.guests, 0), r.answered_at, r.seat
                FROM contacts k LEFT JOIN rsvps r ON r.campaign_id = ?1 AND r.contact_id = k.id
                WHERE k.id IN (SELECT contact_id FROM outbox WHERE campaign_id = ?1) OR r.contact_id IS NOT NULL
                ORDER BY k.email_key
                """, arguments: [c.id]).map {
                RSVPEntry(email: $0[0], name: $0[1], language: $0[2], answer: $0[3], guests: $0[4], seat: $0[6], answeredAt: $0[5])
            }
        }
    }

    /// Outbox rows of a campaign per state.
    public func outboxCounts(campaignID: Int64) throws -> [String: Int] {
        try dbWriter.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox WHERE campaign_id = ? GROUP BY state", arguments: [campaignID]) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
