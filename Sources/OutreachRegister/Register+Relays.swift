import Foundation
import GRDB
import OutreachModel

/// The verbs of delivery through relays: pausing campaigns for the relay's faults, keeping each
/// relay's state where `campaign status` can read it, and requeueing what failed.
extension Register {
    /// Pauses every running campaign with `reason` (a relay fault: nothing can be sent until it
    /// is fixed); returns their slugs.
    public func pauseRunning(reason: String) throws -> [String] {
        try dbWriter.write { db in
            let slugs = try String.fetchAll(db, sql: "SELECT slug FROM campaigns WHERE status = 'running'")
            try db.execute(sql: "UPDATE campaigns SET status = 'paused', pause_reason = ? WHERE status = 'running'", arguments: [reason])
            return slugs
        }
    }

    /// Pauses one running campaign with `reason`; false when it was not running.
    public func pause(campaignID: Int64, reason: String) throws -> Bool {
        try dbWriter.write { db in
            try db.execute(sql: "UPDATE campaigns SET status = 'paused', pause_reason = ? WHERE id = ? AND status = 'running'",
                           arguments: [reason, campaignID])
            return db.changesCount > 0
        }
    }

    /// Records what the daemon knows of a relay (`up`, `cooling` until a time, `faulted` with why).
    public func recordRelayState(url: String, state: String, reason: String?, untilMs: Int64?) throws {
        try dbWriter.write { db in
            try db.execute(sql: """
                INSERT INTO relays (url, state, reason, until_ms, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET state = excluded.state, reason = excluded.reason, until_ms = excluded.until_ms,
                    updated_at = excluded.updated_at
                """, arguments: [url, state, reason, untilMs, Timestamp.string()])
        }
    }

    /// Forgets the relays' states (a daemon starting with a new configuration).
    public func forgetRelayStates() async throws {
        try await dbWriter.write { db in try db.execute(sql: "DELETE FROM relays") }
    }

    /// Puts the campaign's failed messages back in the queue, except those whose address is now
    /// suppressed; with `unconfirmed`, also those whose final reply was lost. They get a new
    /// maximum age from now. A finished campaign runs again. Returns how many were requeued.
    public func retry(_ slug: String, unconfirmed: Bool, now: Date = Date()) throws -> Int {
        try dbWriter.write { db in
            var c = try Campaign.named(slug, db)
            guard c.status != .cancelled && c.status != .draft else { throw CampaignError.badState(slug, c.status, .retry) }
            let nowMs = Timestamp.milliseconds(now)
            try db.execute(sql: """
                UPDATE outbox SET state = 'queued', next_attempt_at_ms = ?, queued_at_ms = ?, updated_at_ms = ?
                WHERE campaign_id = ? AND (state = 'failed'\(unconfirmed ? " OR state = 'unconfirmed'" : ""))
                  AND contact_id IN (SELECT id FROM contacts WHERE suppressed = 0)
                """, arguments: [nowMs, nowMs, nowMs, c.id])
            let requeued = db.changesCount
            if requeued > 0 && c.status == .finished {
                c.status = .running
                c.finishedAt = nil
                try c.update(db)
            }
            return requeued
        }
    }
}
