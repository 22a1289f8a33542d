import Foundation
import GRDB
import OutreachModel

/// The verbs of delivery through relays: pausing campaigns for the relay's faults, keeping each
/// relay's state where `campaign status` can read it, and requeueing what failed.
extension Register {
    /// Pauses every running campaign with `reason` (a relay fault: nothing can be sent until it
    /// is fixed); returns their slugs.
    package func pauseRunning(reason: String) throws -> [String] {
        try dbWriter.write { db in
            let fault = CampaignTransition.statuses(.fault)
            let slugs = try String.fetchAll(db, sql: "SELECT slug FROM campaigns WHERE status IN \(fault.from)")
            try db.execute(sql: "UPDATE campaigns SET status = \(fault.to), pause_reason = ? WHERE status IN \(fault.from)", arguments: [reason])
            return slugs
        }
    }

    /// Pauses one running campaign with `reason`; false when it was not running.
    package func pause(campaignID: Int64, reason: String) throws -> Bool {
        try dbWriter.write { db in
            let fault = CampaignTransition.statuses(.fault)
            try db.execute(sql: "UPDATE campaigns SET status = \(fault.to), pause_reason = ? WHERE id = ? AND status IN \(fault.from)",
                           arguments: [reason, campaignID])
            return db.changesCount > 0
        }
    }

    /// Records what the daemon knows of a relay (`up`, `cooling` until a time, `faulted` with why).
    package func recordRelayState(url: String, state: String, reason: String?, untilMs: Int64?) throws {
        try dbWriter.write { db in
            try db.execute(sql: """
                INSERT INTO relays (url, state, reason, until_ms, updated_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (url) DO UPDATE SET state = excluded.state, reason = excluded.reason, until_ms = excluded.until_ms,
                    updated_at = excluded.updated_at
                """, arguments: [url, state, reason, untilMs, Timestamp.string()])
        }
    }

    /// Forgets the relays' states (a daemon starting with a new configuration).
    package func forgetRelayStates() async throws {
        try await dbWriter.write { db in try db.execute(sql: "DELETE FROM relays") }
    }

    /// Puts the campaign's messages in `states` back in the queue (`OutreachCampaigns` says which
    /// states a retry picks), except those whose address is now suppressed: suppression wins.
    /// They get a new maximum age from now; the campaign's phase is `CampaignTransition`'s answer
    /// to the retry (a finished campaign runs again). One transaction. Returns how many were requeued.
    package func requeue(_ slug: String, from states: Set<OutboxState>, now: Date = Date()) throws -> Int {
        try dbWriter.write { db in
            var c = try Campaign.named(slug, db)
            // Refused before anything moves; asked again below once it is known whether anything did.
            if case .failure(let refusal) = CampaignTransition.next(from: c.status, on: .retry(requeued: false)) {
                throw CampaignError.refused(slug, refusal)
            }
            // A row in `sending` is held by a worker's lease: only rows at rest go back.
            precondition(!states.contains(.sending), "a requeue never takes a row a worker holds")
            let nowMs = Timestamp.milliseconds(now)
            let picked = states.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")
            try db.execute(sql: """
                UPDATE outbox SET state = 'queued', next_attempt_at_ms = ?, queued_at_ms = ?, updated_at_ms = ?
                WHERE campaign_id = ? AND state IN (\(picked.isEmpty ? "NULL" : picked))
                  AND contact_id IN (SELECT id FROM contacts WHERE suppressed = 0)
                """, arguments: [nowMs, nowMs, nowMs, c.id])
            let requeued = db.changesCount
            let before = c.status
            try c.take(.retry(requeued: requeued > 0))
            if c.status != before {
                c.finishedAt = nil
                try c.update(db)
            }
            return requeued
        }
    }
}
