import Foundation
import GRDB
import OutreachModel

/// One outbox row claimed by a worker.
package struct OutboxClaim: Sendable, Equatable {
    package let campaignID: Int64
    package let contactID: Int64
    package let attempts: Int
    package let queuedAtMs: Int64
    /// How many earlier tries ended without a reply to the final "." (it may have arrived).
    package let unknownOutcomes: Int
    /// The lease the row is held by: the token of the claim (one per claim) and until when it
    /// was leased at the claim. Outcomes and renewals apply only while the row holds this token.
    package let lease: Lease
    package init(campaignID: Int64, contactID: Int64, attempts: Int, queuedAtMs: Int64, unknownOutcomes: Int = 0,
                lease: Lease = Lease(token: 0, untilMs: 0)) {
        self.campaignID = campaignID; self.contactID = contactID; self.attempts = attempts; self.queuedAtMs = queuedAtMs
        self.unknownOutcomes = unknownOutcomes; self.lease = lease
    }

    /// A claim's hold on its rows.
    package struct Lease: Sendable, Equatable, Hashable {
        package let token: Int64
        package let untilMs: Int64
        package init(token: Int64, untilMs: Int64) { self.token = token; self.untilMs = untilMs }
    }

    /// The row's identity (campaign, contact), whoever holds it.
    package var row: RowKey { RowKey(campaignID: campaignID, contactID: contactID) }
    /// An outbox row's identity.
    package struct RowKey: Sendable, Hashable { package let campaignID: Int64; package let contactID: Int64 }
}

/// What a worker learned about a claimed row, to be written back.
package enum OutboxResult: Sendable, Equatable {
    /// Accepted by `relay`: its reply code and text, when it gave one.
    case sent(messageID: String, code: Int?, reply: String?, relay: String?)
    /// The final reply was lost again after one more try: not sent again unless staff asks.
    case unconfirmed(reason: String)
    /// Not sent and never will be: suppressed, consent withdrawn, contact erased by send time.
    case skipped(String)
    /// Tried and failed for now; `nextAttemptMs` nil means too old: fail it.
    case retry(reason: String, code: Int?, nextAttemptMs: Int64?, unknownOutcome: Bool)
    /// Refused for good. `refusal`: the relay refused the recipient (5xx to RCPT TO), a bounce
    /// recorded with the mailbox's policy (a 5.1.x suppresses the address).
    case failed(reason: String, code: Int?, refusal: Bounce?)
    /// Not tried (a rate limit, a relay cooling down, a shutdown): back to the queue unchanged.
    case released(nextAttemptMs: Int64)

    /// The outcome as `OutboxTransition` reads it, for a row claimed by `claim`.
    func transitionOutcome(_ claim: OutboxClaim) -> OutboxTransition.Outcome {
        switch self {
        case .sent: .accepted
        case .unconfirmed: .replyLostTwice
        case .skipped: .notToBeMailed
        case .failed: .refused
        case .released: .notTried
        case .retry(_, _, let next, let unknown):
            next != nil ? .tryAgain : unknown || claim.unknownOutcomes > 0 ? .tooOldAfterLostReply : .tooOld
        }
    }
}

/// The durable outbox: one row per (campaign, contact). Rows are claimed with a lease; a lease
/// that outlives a crash returns the row to the queue.
package enum Outbox {
    /// Claims up to `limit` due rows of running campaigns, oldest due first.
    static func claim(_ db: Database, limit: Int, nowMs: Int64, leaseMs: Int64, campaignIDs: [Int64]) throws -> [OutboxClaim] {
        var claims: [OutboxClaim] = []
        let lease = OutboxClaim.Lease(token: Int64.random(in: 1...Int64.max), untilMs: nowMs + leaseMs)
        // One state at a time, so the (campaign, state, due) index gives rows in order without a sort.
        for campaignID in campaignIDs where claims.count < limit {
            for state in ["retry", "queued"] where claims.count < limit {
                let statement = try db.cachedStatement(sql: """
                    UPDATE outbox SET state = 'sending', lease_until_ms = ?, lease_token = ?, updated_at_ms = ?
                    WHERE campaign_id = ? AND contact_id IN (SELECT contact_id FROM outbox WHERE campaign_id = ? AND state = ?
                                 AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms LIMIT ?)
                    RETURNING campaign_id, contact_id, attempts, queued_at_ms, unknown_outcomes
                    """)
                let rows = try Row.fetchAll(statement, arguments: [lease.untilMs, lease.token, nowMs, campaignID, campaignID, state, nowMs, limit - claims.count])
                claims += rows.map { OutboxClaim(campaignID: $0[0], contactID: $0[1], attempts: $0[2], queuedAtMs: $0[3], unknownOutcomes: $0[4], lease: lease) }
            }
        }
        return claims
    }

    /// Writes the outcomes of claimed rows (one transaction for the group). Each row's next
    /// state is `OutboxTransition`'s answer; an outcome lands only on a row still held by its
    /// claim's lease. The claims whose lease was lost (the row was requeued after the lease ran
    /// out, and perhaps claimed again) are returned, their outcomes not written.
    static func record(_ db: Database, _ results: [(OutboxClaim, OutboxResult)], nowMs: Int64) throws -> [OutboxClaim] {
        var lost: [OutboxClaim] = []
        var phases: [Int64: CampaignPhase] = [:]
        func phase(_ campaignID: Int64) throws -> CampaignPhase {
            if let known = phases[campaignID] { return known }
            let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM campaigns WHERE id = ?"), arguments: [campaignID])
            let found = status.flatMap(CampaignPhase.init(rawValue:)) ?? .cancelled
            phases[campaignID] = found
            return found
        }
        /// Runs `sql` (its first argument is the new state, then `arguments`, then the row's key
        /// and lease token); false when the row is no longer held by this claim.
        func update(_ claim: OutboxClaim, to state: OutboxState, _ sql: String, _ arguments: StatementArguments) throws -> Bool {
            let statement = try db.cachedStatement(sql: "UPDATE outbox SET state = ?, " + sql
                + " WHERE campaign_id = ? AND contact_id = ? AND state = 'sending' AND lease_token = ?")
            try statement.execute(arguments: [state.rawValue] + arguments + [claim.campaignID, claim.contactID, claim.lease.token])
            if db.changesCount == 0 { lost.append(claim); return false }
            return true
        }
        func countUnknown(_ claim: OutboxClaim) throws {
            try db.execute(sql: "UPDATE campaigns SET unknown_outcomes = unknown_outcomes + 1 WHERE id = ?", arguments: [claim.campaignID])
        }
        for (claim, result) in results {
            // The statement below checks the lease; the table is asked for a row still held.
            let hold: OutboxTransition.Hold = claim.attempts == 0 ? .heldFirstTry : .heldAgain
            guard let state = OutboxTransition.next(after: result.transitionOutcome(claim), hold: hold,
                                                    campaign: try phase(claim.campaignID)) else { continue }
            switch result {
            case .sent(let messageID, let code, let reply, let relay):
                _ = try update(claim, to: state, """
                    attempts = attempts + 1, last_code = ?, last_reply = ?, message_id = ?, relay = ?,
                        sent_at_ms = ?, updated_at_ms = ?, lease_until_ms = NULL
                    """, [code, reply, messageID, relay, nowMs, nowMs])
            case .unconfirmed(let reason):
                if try update(claim, to: state, """
                    attempts = attempts + 1, unknown_outcomes = unknown_outcomes + 1,
                        last_code = NULL, last_reply = ?, updated_at_ms = ?, lease_until_ms = NULL
                    """, [reason, nowMs]) { try countUnknown(claim) }
            case .skipped(let reason):
                _ = try update(claim, to: state, "last_reply = ?, updated_at_ms = ?, lease_until_ms = NULL", [reason, nowMs])
            case .retry(let reason, let code, let next, let unknown):
                let said = next != nil ? reason : state == .unconfirmed
                    ? "gave up after the maximum age; a reply to the final \".\" was lost, so it may have arrived: \(reason)"
                    : "gave up after the maximum age: \(reason)"
                if try update(claim, to: state, """
                    attempts = attempts + 1, unknown_outcomes = unknown_outcomes + ?,
                        last_code = ?, last_reply = ?, next_attempt_at_ms = ?, updated_at_ms = ?, lease_until_ms = NULL
                    """, [unknown ? 1 : 0, code, said, next ?? nowMs, nowMs]), unknown {
                    try countUnknown(claim)
                }
            case .failed(let reason, let code, let refusal):
                // The relay's refusal is a fact about the address whoever holds the row now.
                if var bounce = refusal {
                    bounce.contactId = claim.contactID
                    bounce.campaignId = claim.campaignID
                    try Register.apply(db, &bounce)
                }
                _ = try update(claim, to: state, """
                    attempts = attempts + 1, last_code = ?, last_reply = ?, updated_at_ms = ?, lease_until_ms = NULL
                    """, [code, reason, nowMs])
            case .released(let next):
                _ = try update(claim, to: state, "next_attempt_at_ms = ?, updated_at_ms = ?, lease_until_ms = NULL", [next, nowMs])
            }
        }
        return lost
    }

    /// Extends the leases of rows a worker still holds to `untilMs`; returns the claims whose
    /// lease was lost already (the worker must not send them).
    static func renew(_ db: Database, _ claims: [OutboxClaim], untilMs: Int64) throws -> [OutboxClaim] {
        let statement = try db.cachedStatement(sql: """
            UPDATE outbox SET lease_until_ms = ? WHERE campaign_id = ? AND contact_id = ? AND state = 'sending' AND lease_token = ?
            """)
        return try claims.filter { claim in
            try statement.execute(arguments: [untilMs, claim.campaignID, claim.contactID, claim.lease.token])
            return db.changesCount == 0
        }
    }

    /// Returns rows whose lease has run out (or all `sending` rows, at the start of the only
    /// daemon) to the queue. Returns how many.
    @discardableResult
    static func requeueLeases(_ db: Database, nowMs: Int64, all: Bool = false) throws -> Int {
        // A row whose lease ran out was not known to be tried: the table's `notTried` answer,
        // chosen in SQL by the row's attempts and its campaign's status.
        func after(_ hold: OutboxTransition.Hold, _ phase: CampaignPhase) -> String {
            OutboxTransition.next(after: .notTried, hold: hold, campaign: phase)!.rawValue
        }
        // The `sending` rows of each campaign, found in the (campaign, state, due) index.
        try db.execute(sql: """
            UPDATE outbox INDEXED BY outbox_progress
            SET state = CASE
                    WHEN (SELECT status FROM campaigns WHERE id = outbox.campaign_id) = 'cancelled'
                        THEN CASE WHEN attempts = 0 THEN '\(after(.heldFirstTry, .cancelled))' ELSE '\(after(.heldAgain, .cancelled))' END
                    WHEN attempts = 0 THEN '\(after(.heldFirstTry, .running))' ELSE '\(after(.heldAgain, .running))' END,
                lease_until_ms = NULL,
                next_attempt_at_ms = ?, updated_at_ms = ?
            WHERE campaign_id IN (SELECT id FROM campaigns) AND state = 'sending'\(all ? "" : " AND lease_until_ms < ?")
            """, arguments: all ? [nowMs, nowMs] : [nowMs, nowMs, nowMs])
        return db.changesCount
    }

    /// The person of a claimed row as they are right now, or why they must not be mailed
    /// (`Audience.check`, a pause against `nowMs`). It reads only what composing
    /// and the check need, straight from SQLite's row (no copy of it): the daemon runs it before
    /// every message.
    static func recipient(_ db: Database, claim: OutboxClaim, purpose: CampaignPurpose, nowMs: Int64) throws -> Result<Recipient, SkipReason> {
        let statement = try db.cachedStatement(sql: """
            SELECT c.email, c.name, c.addressed_as, c.honorific, c.kind, c.country, c.city, c.language, c.organization,
                   c.consent_status,
                   CASE WHEN c.suppressed THEN (SELECT reason FROM suppressions s WHERE s.email_key = c.email_key) END,
                   (SELECT r.answer FROM rsvps r WHERE r.contact_id = c.id
                        AND r.campaign_id = (SELECT parent_id FROM campaigns WHERE id = ?)),
                   c.topics, c.paused_until, c.paused_until_ms,
                   (SELECT coalesce(k.topic, p.topic) FROM campaigns k LEFT JOIN campaigns p ON p.id = k.parent_id WHERE k.id = ?),
                   \(Audience.ticketsSQL)
            FROM contacts c WHERE c.id = ?
            """)
        let rows = try Row.fetchCursor(statement, arguments: [claim.campaignID, claim.campaignID, claim.campaignID, claim.contactID])
        guard let row = try rows.next() else { return .failure(SkipReason("contact erased")) }
        // A reminder or notice: the answer to the invitation now (a no since the launch skips them).
        let answer: String? = row[11]
        if let why = Audience.check(consent: (row[9] as String?).flatMap(ConsentStatus.init(rawValue:)), suppression: row[10],
                                    purpose: purpose, parentAnswer: answer, topics: row[12], campaignTopic: row[15],
                                    pausedUntil: row[13], pauseEndsMs: row[14], nowMs: nowMs) {
            return .failure(SkipReason(why))
        }
        var recipient = Recipient(id: claim.contactID, email: row[0], name: row[1], addressedAs: row[2], honorific: row[3],
                                  kind: (row[4] as String?).flatMap(ContactKind.init(rawValue:)) ?? .other,
                                  country: row[5], city: row[6], language: row[7], organization: row[8], invitationAnswer: answer)
        recipient.tickets = row[16]
        return .success(recipient)
    }

    /// Why a claimed row was not sent.
    package struct SkipReason: Error, Sendable { package let text: String; init(_ t: String) { text = t } }
}
