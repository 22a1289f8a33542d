import Foundation
import GRDB
import OutreachModel

/// Who created a campaign and who approved it (the two-person rule, `campaigns.require_approval`).
package struct CampaignApproval: Sendable, Equatable {
    package var createdBy: String?
    package var approvedBy: String?
    package var approvedAt: String?
}

/// Why a campaign cannot be approved.
package enum ApprovalError: StaffFacingError {
    case sameUser(slug: String, user: String)
    case notDraft(slug: String, status: Campaign.Status)

    package var message: StaffMessage {
        switch self {
        case .sameUser(let slug, let user): StaffMessage("approve.same_user", ["slug": slug, "user": user])
        case .notDraft(let slug, let status): StaffMessage("approve.not_draft", ["slug": slug, "status": status.rawValue])
        }
    }
}

extension Register {
    /// Records who created the campaign `slug` (once: the first creator stays).
    package func recordCreator(_ slug: String, user: String) throws {
        try dbWriter.write { db in
            let campaign = try Campaign.named(slug, db)
            try db.execute(sql: "INSERT INTO campaign_approvals (campaign_id, created_by) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           arguments: [campaign.id, user])
        }
    }

    /// Approves the draft `slug` as `user`, who must not be the one who created it.
    package func approve(_ slug: String, by user: String, now: Date = Date()) throws {
        try dbWriter.write { db in
            let campaign = try Campaign.named(slug, db)
            // `CampaignTransition` says whether it may be approved in its phase (which it does not change).
            if case .failure = CampaignTransition.next(from: campaign.status, on: .approve) {
                throw ApprovalError.notDraft(slug: slug, status: campaign.status)
            }
            let creator = try String.fetchOne(db, sql: "SELECT created_by FROM campaign_approvals WHERE campaign_id = ?", arguments: [campaign.id])
            guard creator != user else { throw ApprovalError.sameUser(slug: slug, user: user) }
            try db.execute(sql: """
                INSERT INTO campaign_approvals (campaign_id, created_by, approved_by, approved_at) VALUES (?, '', ?, ?)
                ON CONFLICT (campaign_id) DO UPDATE SET approved_by = excluded.approved_by, approved_at = excluded.approved_at
                """, arguments: [campaign.id, user, Timestamp.string(now)])
        }
    }

    /// Who created and who approved the campaign `slug`.
    package func approval(_ slug: String) throws -> CampaignApproval {
        try dbWriter.read { db in
            let campaign = try Campaign.named(slug, db)
            let row = try Row.fetchOne(db, sql: "SELECT created_by, approved_by, approved_at FROM campaign_approvals WHERE campaign_id = ?",
                                       arguments: [campaign.id])
            return CampaignApproval(createdBy: (row?["created_by"] as String?).flatMap { $0.isEmpty ? nil : $0 },
                                    approvedBy: row?["approved_by"], approvedAt: row?["approved_at"])
        }
    }

    /// The fingerprint of the link secret this register's links are signed with (nil: none signed yet).
    package func linkSecretFingerprint() throws -> String? {
        try dbWriter.read { db in try String.fetchOne(db, sql: "SELECT fingerprint FROM link_secret WHERE id = 1") }
    }

    /// Keeps `fingerprint` as the link secret's (the first signing, or the current line after a rotation).
    package func keepLinkSecretFingerprint(_ fingerprint: String) throws {
        try dbWriter.write { db in
            try db.execute(sql: """
                INSERT INTO link_secret (id, fingerprint, recorded_at) VALUES (1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint, recorded_at = excluded.recorded_at
                WHERE fingerprint <> excluded.fingerprint
                """, arguments: [fingerprint, Timestamp.string()])
        }
    }
}
