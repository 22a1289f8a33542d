/// Where an outbox row stands: one message of a campaign to one person.
public enum OutboxState: String, Codable, Sendable, CaseIterable {
    case queued, sending, sent, retry, failed, skipped, cancelled
    /// The final reply was lost on a second try: it may well have arrived; never sent again
    /// unless staff asks (`campaign retry --unconfirmed`).
    case unconfirmed
}

/// Where a campaign stands: its status (`CampaignTransition` moves it).
public enum CampaignPhase: String, Codable, Sendable, CaseIterable {
    case draft, scheduled, running, paused, cancelled, finished
}

/// The outbox's state machine as one table: what a row a worker claimed becomes when its try
/// ends, given how the try ended, how the row is held and where its campaign stands. The
/// register executes it (it picks its statement by the answer); nothing else decides a row's
/// next state.
public enum OutboxTransition {
    /// How a worker's try of one row ended, as far as the row's next state is concerned.
    public enum Outcome: Sendable, CaseIterable {
        /// The relay accepted it (2xx after the final ".").
        case accepted
        /// The reply to the final "." was lost a second time: it most likely arrived.
        case replyLostTwice
        /// Not to be mailed after all: suppressed, consent withdrawn, declined, erased.
        case notToBeMailed
        /// Refused for good (a 5xx).
        case refused
        /// Failed for now (a 4xx, a dropped connection, a first lost reply): another try later.
        case tryAgain
        /// Failed for now, but older than `delivery.max_age`: no other try.
        case tooOld
        /// Too old, and a reply to a final "." of it was lost (on this try or an earlier one): it
        /// may have arrived, so it must not be resent by a plain `campaign retry`.
        case tooOldAfterLostReply
        /// Not tried at all (a rate limit, a relay cooling down, a pause, a shutdown).
        case notTried
    }

    /// How the row stands for the claim that tried it.
    public enum Hold: Sendable, CaseIterable {
        /// Still held by this claim, and never tried before it (it was claimed from `queued`).
        case heldFirstTry
        /// Still held by this claim, tried before (it was claimed from `retry`).
        case heldAgain
        /// The claim's lease was lost: the row was requeued and perhaps claimed by another worker.
        case lost
    }

    /// The row's next state; nil: leave the row as it is (its lease was lost, the outcome belongs
    /// to nobody now).
    public static func next(after outcome: Outcome, hold: Hold, campaign: CampaignPhase) -> OutboxState? {
        switch (outcome, hold, campaign) {
        case (_, .lost, _): nil
        // What happened at the relay is true whatever the campaign became meanwhile.
        case (.accepted, _, _): .sent
        case (.replyLostTwice, _, _), (.tooOldAfterLostReply, _, _): .unconfirmed
        case (.notToBeMailed, _, _): .skipped
        case (.refused, _, _): .failed
        // A cancel that raced the try: nothing waits for another try of a cancelled campaign.
        case (.tryAgain, _, .cancelled), (.tooOld, _, .cancelled), (.notTried, _, .cancelled): .cancelled
        case (.tooOld, _, _): .failed
        case (.tryAgain, _, _): .retry
        case (.notTried, .heldFirstTry, _): .queued
        case (.notTried, .heldAgain, _): .retry
        }
    }
}
