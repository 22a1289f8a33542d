import Foundation
import GRDB
import OutreachModel

/// The verbs of the delivery daemon: claim due rows, record what became of them, keep campaigns'
/// states moving, and recover what a crash left in flight.
extension Register {
    /// Records `outcomes` and, unless `limit` is 0, claims up to `limit` due rows of
    /// `campaignIDs`, in one transaction (an outcome is in the database before anything else
    /// happens). `nowMs` is the time of both (the workers' clock). Outcomes of claims whose
    /// lease was lost are not written (`recordOutcomes` says which they were).
    package func record(_ outcomes: [(OutboxClaim, OutboxResult)], thenClaim limit: Int, campaignIDs: [Int64],
                       nowMs: Int64, leaseMs: Int64) throws -> [OutboxClaim] {
        try dbWriter.write { db in
            if !outcomes.isEmpty { _ = try Outbox.record(db, outcomes, nowMs: nowMs) }
            try eligibility.noteOtherConnections(db)
            guard limit > 0 else { return [] }
            return try Outbox.claim(db, limit: limit, nowMs: nowMs, leaseMs: leaseMs, campaignIDs: campaignIDs)
        }
    }

    /// The delivery committer's verb, one transaction, synced before it returns: writes
    /// `outcomes` of rows still held by their claims, and extends to `nowMs + leaseMs` the leases
    /// of the rows in `held` (claimed, not yet sent). Returns the claims of both whose lease was
    /// lost: their outcome was not written (a `.sent` among them went out while another worker
    /// may hold the row), and a held one must not be sent.
    package func recordOutcomes(_ outcomes: [(OutboxClaim, OutboxResult)], renewing held: [OutboxClaim],
                               nowMs: Int64, leaseMs: Int64) throws -> [OutboxClaim] {
        try dbWriter.write { db in
            var lost = try Outbox.record(db, outcomes, nowMs: nowMs)
            if !held.isEmpty { lost += try Outbox.renew(db, held, untilMs: nowMs + leaseMs) }
            try eligibility.noteOtherConnections(db)
            return lost
        }
    }

    /// Returns every `sending` row to the queue: at the start of the only daemon, whatever is
    /// still `sending` was in flight when the last one stopped. Returns how many.
    @discardableResult
    package func requeueEverythingInFlight(nowMs: Int64 = Timestamp.milliseconds()) async throws -> Int {
        try await dbWriter.write { db in try Outbox.requeueLeases(db, nowMs: nowMs, all: true) }
    }

    /// The scheduler's step: starts campaigns whose time has come, returns rows whose lease ran
    /// out to the queue, marks campaigns with nothing left to send finished, and returns the
    /// campaigns now running.
    package func advanceCampaigns(nowMs: Int64 = Timestamp.milliseconds()) async throws -> [Campaign] {
        try await dbWriter.write { db -> [Campaign] in
            try eligibility.noteOtherConnections(db)
            try Register.addLateFollowUpRecipients(db, nowMs: nowMs)
            // The campaigns' next phases are `CampaignTransition`'s answers.
            let start = CampaignTransition.statuses(.start), finish = CampaignTransition.statuses(.finish)
            try db.execute(sql: "UPDATE campaigns SET status = \(start.to) WHERE status IN \(start.from) AND scheduled_at_ms <= ?", arguments: [nowMs])
            try Outbox.requeueLeases(db, nowMs: nowMs)
            try db.execute(sql: """
                UPDATE campaigns SET status = \(finish.to), finished_at = ?
                WHERE status IN \(finish.from) AND NOT EXISTS (
                    SELECT 1 FROM outbox o WHERE o.campaign_id = campaigns.id AND o.state IN ('queued','retry','sending'))
                """, arguments: [Timestamp.string()])
            return try Campaign.filter(Campaign.Columns.status == Campaign.Status.running.rawValue).fetchAll(db)
        }
    }

    /// Messages waiting to be sent (queued or waiting for a retry), across campaigns.
    package func queueDepth() async throws -> Int {
        try await dbWriter.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE state IN ('queued','retry')") ?? 0
        }
    }

    /// A delivery worker's check right before each send: who a claimed row's contact is right
    /// now, or why they must not be mailed (suppressed, consent withdrawn or pending, declined the
    /// invitation, erased since the launch).
    ///
    /// It reads on the writer's connection, between commits. A connection of its own would lose
    /// its whole page cache at every read, because SQLite drops a WAL reader's cache whenever the
    /// database changed since its last read, and the daemon commits an outcome for every message.
    /// The writer's cache survives its own commits, and the rows claimed together sit on the same
    /// pages. One SELECT, consistent on its own: no transaction around it.
    /// `nowMs`: the sender's clock, which says whether a pause still holds.
    package func recipient(for claim: OutboxClaim, purpose: CampaignPurpose,
                          nowMs: Int64 = Timestamp.milliseconds()) throws -> Result<Recipient, Outbox.SkipReason> {
        try dbWriter.writeWithoutTransaction { db in try Outbox.recipient(db, claim: claim, purpose: purpose, nowMs: nowMs) }
    }

    /// A version that moves whenever who may be mailed may have changed: the contacts, the
    /// suppression list or the RSVPs, written through this register (at once) or by another
    /// process (seen at this register's next delivery commit or scheduler step, within 250 ms).
    /// The outbox and campaign writes of delivery itself do not move it. It is kept from the
    /// first `recipients(for:purpose:)` on.
    package var eligibilityVersion: Int { eligibility.version }

    /// The check before sending, for a whole claimed batch at once: each row's recipient as
    /// `recipient(for:purpose:)` says (nil where `purpose` knows no purpose for its campaign), and
    /// the `eligibilityVersion` these readings hold for. While the version has not moved, a
    /// reading is what the check right before the send would say.
    /// A pause that ends between the reading and a send is seen at the next batch.
    package func recipients(for claims: [OutboxClaim], purpose: (Int64) -> CampaignPurpose?, nowMs: Int64 = Timestamp.milliseconds()) throws
        -> (version: Int, recipients: [Result<Recipient, Outbox.SkipReason>?]) {
        try dbWriter.writeWithoutTransaction { db in
            // The version first: whatever commits after it moves it past this one.
            eligibility.watch(db)
            try eligibility.noteOtherConnections(db)
            let version = eligibility.version
            let found = try claims.map { claim in try purpose(claim.campaignID).map { try Outbox.recipient(db, claim: claim, purpose: $0, nowMs: nowMs) } }
            return (version, found)
        }
    }
}
