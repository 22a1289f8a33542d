import Foundation
import GRDB
import OutreachModel

/// A launched campaign's state as the daemon follows it (to say when one starts, pauses, resumes, finishes).
package struct CampaignState: Sendable, Equatable {
    package let slug: String
    package let status: Campaign.Status
    /// Why it is paused (nil: by staff, or not paused).
    package let reason: String?
}

extension Register {
    /// Every campaign past its draft, with its state now.
    package func campaignStates() async throws -> [CampaignState] {
        try await dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, status, pause_reason FROM campaigns WHERE status <> 'draft'").compactMap { row in
                Campaign.Status(rawValue: row["status"]).map { CampaignState(slug: row["slug"], status: $0, reason: row["pause_reason"]) }
            }
        }
    }
}

extension CampaignTransition {
    /// A daemon step as its statement needs it: `status IN (…)` of the phases it moves, and the
    /// phase it moves them to (each of the daemon's steps moves its phases to one phase).
    static func statuses(_ step: CampaignStep) -> (from: String, to: String) {
        let from = phases(allowing: step)
        let targets = Set(from.compactMap { try? next(from: $0, on: step).get().phase })
        precondition(targets.count == 1, "\(step) moves its phases to one phase")
        return ("(" + from.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")", "'\(targets.first!.rawValue)'")
    }
}
