import Foundation
import GRDB
import OutreachModel

/// What a change notice does to its invitation's event.
package enum EventChange: Sendable {
    /// The event now reads as this snapshot (JSON of the `Event`): time, venue or address moved.
    case moved(eventSnapshot: String)
    /// The event will not take place.
    case cancelled
}

/// The verbs of an event's life after its invitation: reminders, change notices, cancellations.
extension Register {
    /// Stores a reminder or notice (`campaign.kind`) of the invitation `parentSlug`, in one
    /// transaction with what it changes: a notice moves the invitation's event (its pages and the
    /// reminders still to come show the new details, and a reminder set relative to the event
    /// moves with it); a cancellation also stops the reminders and notices still to be sent.
    /// Either raises the event's iCalendar SEQUENCE by one.
    package func insertFollowUp(_ followUp: Campaign, of parentSlug: String, change: EventChange?,
                               now: Date = Date()) throws -> Campaign {
        try dbWriter.write { db in
            var parent = try Campaign.named(parentSlug, db)
            guard parent.kind == .invitation else { throw CampaignError.notAnInvitation(parentSlug, parent.kind) }
            guard parent.eventSnapshot != nil else { throw CampaignError.noEvent(parentSlug) }
            guard parent.eventCancelledAt == nil else { throw CampaignError.eventCancelled(parentSlug) }
            if try Campaign.filter(Campaign.Columns.slug == followUp.slug).fetchCount(db) > 0 { throw CampaignError.slugTaken(followUp.slug) }
            var campaign = followUp
            campaign.parentId = parent.id
            campaign.parentSlug = parent.slug
            campaign.eventFile = campaign.eventFile ?? parent.eventFile
            switch change {
            case nil:
                campaign.eventSnapshot = parent.eventSnapshot
                campaign.eventSequence = parent.eventSequence
            case .moved(let snapshot):
                campaign.previousEventSnapshot = parent.eventSnapshot
                campaign.eventSnapshot = snapshot
                parent.eventSnapshot = snapshot
                parent.eventFile = campaign.eventFile
                parent.eventSequence += 1
                campaign.eventSequence = parent.eventSequence
                try Register.moveReminders(db, of: parent, now: now)
            case .cancelled:
                campaign.eventSnapshot = parent.eventSnapshot
                parent.eventSequence += 1
                parent.eventCancelledAt = Timestamp.string(now)
                campaign.eventSequence = parent.eventSequence
                campaign.eventCancelledAt = parent.eventCancelledAt
            }
            try parent.update(db)
            try campaign.insert(db)
            if case .cancelled? = change { try Register.stopWhatFollows(db, parent: parent, cancellation: campaign.id!, now: now) }
            return campaign
        }
    }

    /// Reminders not sent yet, or still sending, take the invitation's new event (a running one's
    /// remaining messages carry it: the daemon builds a new composer for the new SEQUENCE); one
    /// scheduled relative to the event (`event-2d`) and not started yet moves with it, its queued
    /// messages too.
    static func moveReminders(_ db: Database, of parent: Campaign, now: Date) throws {
        let waiting = try Campaign.filter(Column("parent_id") == parent.id && Column("kind") == Campaign.Kind.reminder.rawValue
                                          && ["draft", "scheduled", "running", "paused"].contains(Campaign.Columns.status)).fetchAll(db)
        for var reminder in waiting {
            reminder.eventSnapshot = parent.eventSnapshot
            reminder.eventSequence = parent.eventSequence
            if reminder.status != .draft, reminder.status != .running, case .beforeEvent? = reminder.reminderTime,
               let due = reminder.reminderDate {
                let dueMs = max(Timestamp.milliseconds(due), Timestamp.milliseconds(now))
                reminder.scheduledAtMs = dueMs
                try db.execute(sql: "UPDATE outbox SET next_attempt_at_ms = ? WHERE campaign_id = ? AND state = 'queued'",
                               arguments: [dueMs, reminder.id])
            }
            try reminder.update(db)
        }
    }

    /// After a cancellation nothing more goes out about the event: the invitation's unsent
    /// messages and every reminder or notice still waiting (but the cancellation itself) are
    /// cancelled. What was stopped is written down, so that deleting the cancellation while it is
    /// a draft puts it back (`deleteDraft`).
    static func stopWhatFollows(_ db: Database, parent: Campaign, cancellation: Int64, now: Date) throws {
        let nowMs = Timestamp.milliseconds(now)
        let stoppedMessages = "state IN ('queued','retry') AND (campaign_id = ? OR campaign_id IN (SELECT id FROM campaigns WHERE parent_id = ? AND id <> ?))"
        try db.execute(sql: """
            INSERT INTO cancellation_stopped_messages (notice_id, campaign_id, contact_id, state)
            SELECT ?, campaign_id, contact_id, state FROM outbox WHERE \(stoppedMessages)
            """, arguments: [cancellation, parent.id, parent.id, cancellation])
        try db.execute(sql: "UPDATE outbox SET state = 'cancelled', updated_at_ms = ? WHERE \(stoppedMessages)",
                       arguments: [nowMs, parent.id, parent.id, cancellation])
        let stoppedCampaigns = "parent_id = ? AND id <> ? AND status IN ('draft','scheduled','running','paused')"
        try db.execute(sql: """
            INSERT INTO cancellation_stopped_campaigns (notice_id, campaign_id, status, finished_at)
            SELECT ?, id, status, finished_at FROM campaigns WHERE \(stoppedCampaigns)
            """, arguments: [cancellation, parent.id, cancellation])
        try db.execute(sql: "UPDATE campaigns SET status = 'cancelled', finished_at = ? WHERE \(stoppedCampaigns)",
                       arguments: [Timestamp.string(now), parent.id, cancellation])
    }

    /// Reminders and notices decide their recipients when they are sent: when one starts, the
    /// parent's recipients sent the invitation since its launch are added (the declined and
    /// suppressed never are, and each is checked again right before sending).
    static func addLateFollowUpRecipients(_ db: Database, nowMs: Int64) throws {
        let starting = try Row.fetchAll(db, sql: """
            SELECT id, parent_id, purpose, topic FROM campaigns WHERE status = 'scheduled' AND scheduled_at_ms <= ? AND parent_id IS NOT NULL
            """, arguments: [nowMs])
        for row in starting {
            let purpose = CampaignPurpose(rawValue: row[2]) ?? .invitation
            let (condition, arguments) = Audience.followUpCondition(parentID: row[1], purpose: purpose, topic: row[3], nowMs: nowMs)
            try db.execute(sql: """
                INSERT INTO outbox (campaign_id, contact_id, state, next_attempt_at_ms, queued_at_ms, updated_at_ms)
                SELECT ?, c.id, 'queued', ?, ?, ? FROM contacts c WHERE \(condition)
                ON CONFLICT (campaign_id, contact_id) DO NOTHING
                """, arguments: StatementArguments([row[0] as Int64, nowMs, nowMs, nowMs]) + arguments)
        }
    }
}
