/// What staff asked of a campaign, as a refusal names it (`campaign.action.*` in the catalog).
public enum CampaignAction: String, Sendable, CaseIterable {
    case launch, pause, resume, cancel, retry
    /// The action in the staff's words.
    public var message: StaffMessage { StaffMessage("campaign.action." + rawValue) }
}

/// What happens to a campaign, as far as its phase is concerned: a staff command, or a step of
/// the daemon's own.
public enum CampaignStep: Sendable, Hashable, CaseIterable {
    /// `campaign launch`: its messages are queued; `startsLater`: its start time is still to come.
    case launch(startsLater: Bool)
    /// `campaign pause`: workers stop claiming its messages.
    case pause
    /// `campaign resume`; `startsLater`: its start time is still to come.
    case resume(startsLater: Bool)
    /// `campaign cancel`: what waits to be sent is cancelled.
    case cancel
    /// `campaign retry`; `requeued`: some of its messages went back to the queue.
    case retry(requeued: Bool)
    /// The daemon: a scheduled campaign's time has come.
    case start
    /// The daemon: nothing of it is left to send.
    case finish
    /// The daemon: a fault that is not the recipients' (a relay refusing us, a template that
    /// cannot be composed) stops it, with the fault as its reason.
    case fault
    /// `campaign approve` (`campaigns.require_approval`): a second person approves the draft.
    case approve
    /// `campaign delete`: the draft goes (its answer is the phase it leaves from).
    case delete

    public static let allCases: [CampaignStep] = [
        .launch(startsLater: false), .launch(startsLater: true), .pause, .resume(startsLater: false), .resume(startsLater: true),
        .cancel, .retry(requeued: false), .retry(requeued: true), .start, .finish, .fault, .approve, .delete,
    ]

    /// The staff action a refusal of this step names in `campaign.bad_state` (nil: a step of the
    /// daemon's, never refused to anyone, or an approval or deletion, whose refusals have words of their own).
    public var action: CampaignAction? {
        switch self {
        case .launch: .launch
        case .pause: .pause
        case .resume: .resume
        case .cancel: .cancel
        case .retry: .retry
        case .start, .finish, .fault, .approve, .delete: nil
        }
    }
}

/// A campaign's phases as one table: what a campaign in a phase becomes after a step, or that
/// the step is refused in that phase. The register executes it inside the step's transaction
/// (it reads the phase, asks the table, writes the answer); nothing else decides a campaign's
/// next phase.
public enum CampaignTransition {
    /// What becomes of the pause reason (the daemon's words on why it stopped a campaign).
    public enum Reason: Sendable, Equatable {
        /// It stays as it was.
        case kept
        /// It is cleared: staff paused or resumed it themselves.
        case cleared
        /// The step's own reason replaces it (a fault).
        case given
    }

    /// A step's answer when it is allowed.
    public struct Move: Sendable, Equatable {
        public let phase: CampaignPhase
        public let reason: Reason
        public init(_ phase: CampaignPhase, reason: Reason = .kept) { self.phase = phase; self.reason = reason }
    }

    /// A step refused in a phase. Never shown as it is: the register turns it into
    /// `CampaignError.badState` (`campaign.bad_state`), which names the campaign too.
    public struct Refusal: Error, Sendable, Equatable {
        public let phase: CampaignPhase
        public let step: CampaignStep
        public init(phase: CampaignPhase, step: CampaignStep) { self.phase = phase; self.step = step }
    }

    /// The phase after `step` for a campaign in `phase`, or the refusal.
    public static func next(from phase: CampaignPhase, on step: CampaignStep) -> Result<Move, Refusal> {
        let refused = Result<Move, Refusal>.failure(Refusal(phase: phase, step: step))
        switch (step, phase) {
        // A cancelled campaign stays cancelled; launching again adds people to anything else.
        case (.launch, .cancelled): return refused
        // A paused campaign gets its new people queued and stays paused until staff resume it.
        case (.launch, .paused): return .success(Move(.paused))
        case (.launch(let later), _): return .success(Move(later ? .scheduled : .running))
        // Pausing a paused campaign keeps the daemon's reason; pausing a moving one is staff's own.
        case (.pause, .paused): return .success(Move(.paused))
        case (.pause, .running), (.pause, .scheduled): return .success(Move(.paused, reason: .cleared))
        case (.pause, _): return refused
        case (.resume(let later), .paused), (.resume(let later), .running):
            return .success(Move(later ? .scheduled : .running, reason: .cleared))
        case (.resume, _): return refused
        case (.cancel, .finished), (.cancel, .cancelled): return refused
        case (.cancel, _): return .success(Move(.cancelled))
        case (.retry, .draft), (.retry, .cancelled): return refused
        // A finished campaign with messages back in the queue runs again.
        case (.retry(requeued: true), .finished): return .success(Move(.running))
        case (.retry, _): return .success(Move(phase))
        case (.start, .scheduled): return .success(Move(.running))
        case (.finish, .running): return .success(Move(.finished))
        case (.fault, .running): return .success(Move(.paused, reason: .given))
        // Only a draft is approved: what was launched was launched without it.
        case (.approve, .draft): return .success(Move(.draft))
        // Only a draft is deleted: a launched campaign's messages and answers are a record.
        case (.delete, .draft): return .success(Move(.draft))
        case (.start, _), (.finish, _), (.fault, _), (.approve, _), (.delete, _): return refused
        }
    }

    /// The phases in which `step` is allowed (the daemon's statements select campaigns by them).
    public static func phases(allowing step: CampaignStep) -> [CampaignPhase] {
        CampaignPhase.allCases.filter { (try? next(from: $0, on: step).get()) != nil }
    }
}
