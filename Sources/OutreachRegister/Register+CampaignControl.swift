import Foundation
import GRDB
import OutreachModel

/// A campaign's figures as they stand: its messages per outbox state, answers, seats, relays.
/// `OutreachCampaigns` makes `campaign status` of them.
package struct CampaignProgress: Sendable {
    package let campaign: Campaign
    /// Messages per outbox state (states without messages are absent).
    package let messages: [OutboxState: Int]
    /// Messages whose final reply was lost, counted once per loss.
    package let unknownOutcomes: Int
    package let rsvp: RSVPCounts
    /// Test messages sent (`campaign test`), outside the counts.
    package let tests: Int
    /// Every relay the daemon knows, by URL, with this campaign's messages it accepted.
    package let relays: [Relay]

    /// The messages in `state`.
    package subscript(_ state: OutboxState) -> Int { messages[state, default: 0] }
    /// Every message of the campaign, test sends aside.
    package var total: Int { messages.values.reduce(0, +) }

    /// Answers, and at an event with a capacity the seats: people confirmed, waitlisted, offered,
    /// and tickets checked in at the door (people and guests).
    package struct RSVPCounts: Sendable { package let yes, no, guests, confirmed, waitlisted, offered, checkedIn: Int }

    /// One relay as the daemon last saw it.
    package struct Relay: Sendable {
        package let url: String
        /// `up`, `cooling` or `faulted` (nil: the daemon has not used it yet).
        package let state: String?
        package let reason: String?
        /// This campaign's messages it accepted.
        package let sent: Int
    }
}

/// One invited person and their answer, as the register holds it: `answer` is `yes`, `no` or
/// `none` (not answered).
package struct RSVPListing: Sendable {
    package let email, name: String
    package let language: String?
    package let answer: String
    package let guests: Int
    /// The seat given at the event (nil until seats are given).
    package let seat: String?
    /// When they answered (ISO 8601 UTC as stored).
    package let answeredAt: String?
}

extension Register {
    /// The campaign `slug`'s figures, read in one transaction.
    package func progress(_ slug: String) throws -> CampaignProgress {
        try dbWriter.read { db in
            let c = try Campaign.named(slug, db)
            var messages: [OutboxState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox WHERE campaign_id = ? GROUP BY state", arguments: [c.id]) {
                if let state = OutboxState(rawValue: row[0]) { messages[state] = row[1] }
            }
            let unknown = try Int.fetchOne(db, sql: "SELECT unknown_outcomes FROM campaigns WHERE id = ?", arguments: [c.id]) ?? 0
            let r = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(answer = 'yes'), 0), coalesce(sum(answer = 'no'), 0), coalesce(sum(guests), 0),
                    coalesce(sum(seat = 'confirmed'), 0), coalesce(sum(seat = 'waitlisted'), 0), coalesce(sum(seat = 'offered'), 0),
                    (SELECT count(*) FROM checkins WHERE campaign_id = ?) + (SELECT count(*) FROM walk_ins WHERE campaign_id = ?)
                FROM rsvps WHERE campaign_id = ?
                """, arguments: [c.id, c.id, c.id])!
            let tests = try Int.fetchOne(db, sql: "SELECT count(*) FROM test_sends WHERE campaign_id = ?", arguments: [c.id]) ?? 0
            var relays: [String: (state: String?, reason: String?, sent: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT url, state, reason FROM relays") { relays[row[0]] = (row[1], row[2], 0) }
            for row in try Row.fetchAll(db, sql: """
                SELECT relay, count(*) FROM outbox WHERE campaign_id = ? AND state = 'sent' AND relay IS NOT NULL GROUP BY relay
                """, arguments: [c.id]) {
                relays[row[0], default: (nil, nil, 0)].sent = row[1]
            }
            return CampaignProgress(
                campaign: c, messages: messages, unknownOutcomes: unknown,
                rsvp: .init(yes: r[0], no: r[1], guests: r[2], confirmed: r[3], waitlisted: r[4], offered: r[5], checkedIn: r[6]), tests: tests,
                relays: relays.sorted { $0.key < $1.key }.map { .init(url: $0.key, state: $0.value.state, reason: $0.value.reason, sent: $0.value.sent) })
        }
    }

    /// Pause (workers stop claiming within a second), resume, or cancel (what is still queued or
    /// waiting for a retry becomes `cancelled`; a message in the middle of sending finishes).
    package enum Control: String, Sendable { case pause, resume, cancel }

    /// Executes a staff control in one transaction: reads the campaign's phase, asks
    /// `CampaignTransition` (a refusal throws `CampaignError.badState`), writes its answer and
    /// what the answer implies. Returns the campaign after it and how many messages it cancelled.
    @discardableResult
    package func control(_ slug: String, _ action: Control, now: Date = Date()) throws -> (Campaign, Int) {
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
    package func rsvps(_ slug: String) throws -> [RSVPListing] {
        // Everyone invited (the outbox), and anyone who answered without being in it.
        try dbWriter.read { db in
            let c = try Campaign.named(slug, db)
            return try Row.fetchAll(db, sql: """
                SELECT k.email, k.name, k.language, coalesce(r.answer, 'none'), coalesce(r.guests, 0), r.answered_at, r.seat
                FROM contacts k LEFT JOIN rsvps r ON r.campaign_id = ?1 AND r.contact_id = k.id
                WHERE k.id IN (SELECT contact_id FROM outbox WHERE campaign_id = ?1) OR r.contact_id IS NOT NULL
                ORDER BY k.email_key
                """, arguments: [c.id]).map {
                RSVPListing(email: $0[0], name: $0[1], language: $0[2], answer: $0[3], guests: $0[4], seat: $0[6], answeredAt: $0[5])
            }
        }
    }

    /// Outbox rows of a campaign per state.
    package func outboxCounts(campaignID: Int64) throws -> [String: Int] {
        try dbWriter.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox WHERE campaign_id = ? GROUP BY state", arguments: [campaignID]) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
