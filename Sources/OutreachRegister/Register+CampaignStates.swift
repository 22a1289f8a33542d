import Foundation
import GRDB

/// A launched campaign's state as the daemon follows it (to say when one starts, pauses, resumes, finishes).
public struct CampaignState: Sendable, Equatable {
    public let slug: String
    public let status: Campaign.Status
    /// Why it is paused (nil: by staff, or not paused).
    public let reason: String?
}

extension Register {
    /// Every campaign past its draft, with its state now.
    public func campaignStates() async throws -> [CampaignState] {
        try await dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, status, pause_reason FROM campaigns WHERE status <> 'draft'").compactMap { row in
                Campaign.Status(rawValue: row["status"]).map { CampaignState(slug: row["slug"], status: $0, reason: row["pause_reason"]) }
            }
        }
    }
}
