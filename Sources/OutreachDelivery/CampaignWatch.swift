import Logging
import OutreachRegister

/// Says in the log, at info, when a campaign starts, pauses (with its reason), resumes and
/// finishes, whoever changed it (the daemon's scheduler, a worker, staff on the command line).
/// It compares each scheduler step's states with the last ones; the first step only takes note.
struct CampaignWatch {
    private var last: [String: CampaignState]?

    mutating func note(_ states: [CampaignState], logger: Logger) {
        defer { last = Dictionary(uniqueKeysWithValues: states.map { ($0.slug, $0) }) }
        guard let last else { return }
        for state in states {
            let before = last[state.slug]?.status
            guard before != state.status else { continue }
            var metadata: Logger.Metadata = ["campaign.slug": "\(state.slug)"]
            switch (before, state.status) {
            case (.paused?, .running): logger.info("campaign resumed", metadata: metadata)
            case (_, .running): logger.info("campaign started", metadata: metadata)
            case (_, .paused):
                metadata["campaign.reason"] = "\(state.reason ?? "paused by staff")"
                logger.info("campaign paused", metadata: metadata)
            case (_, .finished): logger.info("campaign finished", metadata: metadata)
            case (_, .cancelled): logger.info("campaign cancelled", metadata: metadata)
            default: break
            }
        }
    }
}
