import Foundation
import GRDB
import OutreachModel

/// Why a campaign cannot be deleted.
package enum DeletionError: StaffFacingError {
    case launched(String, Campaign.Status)
    case hasFollowUps(String, [String])
    case laterNotice(String, String)

    package var message: StaffMessage {
        switch self {
        case .launched(let slug, let status): StaffMessage("delete.launched", ["slug": slug, "status": status.rawValue])
        case .hasFollowUps(let slug, let slugs): StaffMessage("delete.has_follow_ups", ["slug": slug, "slugs": slugs.joined(separator: ", ")])
        case .laterNotice(let slug, let later): StaffMessage("delete.later_notice", ["slug": slug, "later": later])
        }
    }
}

extension Register {
    /// Deletes the draft `slug` in one transaction. A draft change notice puts the invitation's
    /// event back as it was before it (its pages and the reminders still to come too); a draft
    /// cancellation lifts the cancellation and puts back what it stopped.
    package func deleteDraft(_ slug: String, now: Date = Date()) throws -> Campaign {
        try dbWriter.write { db in
            let campaign = try Campaign.named(slug, db)
            if case .failure = CampaignTransition.next(from: campaign.status, on: .delete) {
                throw DeletionError.launched(slug, campaign.status)
            }
            let followUps = try String.fetchAll(db, sql: "SELECT slug FROM campaigns WHERE parent_id = ? ORDER BY id", arguments: [campaign.id])
            guard followUps.isEmpty else { throw DeletionError.hasFollowUps(slug, followUps) }
            if campaign.kind == .update || campaign.kind == .cancellation, let parentID = campaign.parentId,
               var parent = try Campaign.fetchOne(db, key: parentID) {
                if let later = try String.fetchOne(db, sql: """
                    SELECT slug FROM campaigns WHERE parent_id = ? AND id > ? AND kind IN ('update','cancellation') ORDER BY id LIMIT 1
                    """, arguments: [parentID, campaign.id]) {
                    throw DeletionError.laterNotice(slug, later)
                }
                parent.eventSequence = max(0, campaign.eventSequence - 1)
                if campaign.kind == .update {
                    parent.eventSnapshot = campaign.previousEventSnapshot ?? parent.eventSnapshot
                } else {
                    parent.eventCancelledAt = nil
                    try Register.restoreWhatWasStopped(db, cancellation: campaign.id!, now: now)
                }
                try parent.update(db)
                try Register.moveReminders(db, of: parent, now: now)
            }
            _ = try campaign.delete(db)
            return campaign
        }
    }

    /// Puts back the messages and campaigns a cancellation stopped, as they were.
    static func restoreWhatWasStopped(_ db: Database, cancellation: Int64, now: Date) throws {
        try db.execute(sql: """
            UPDATE outbox SET state = s.state, updated_at_ms = ?
            FROM cancellation_stopped_messages s
            WHERE s.notice_id = ? AND outbox.campaign_id = s.campaign_id AND outbox.contact_id = s.contact_id AND outbox.state = 'cancelled'
            """, arguments: [Timestamp.milliseconds(now), cancellation])
        try db.execute(sql: """
            UPDATE campaigns SET status = s.status, finished_at = s.finished_at
            FROM cancellation_stopped_campaigns s
            WHERE s.notice_id = ? AND campaigns.id = s.campaign_id AND campaigns.status = 'cancelled'
            """, arguments: [cancellation])
    }
}
