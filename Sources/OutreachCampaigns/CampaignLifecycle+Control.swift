import Foundation
import OutreachModel
import OutreachRegister

extension CampaignLifecycle {
    /// `campaign pause`: workers stop claiming its messages within a second. Refused (as
    /// `CampaignTransition` says) unless it is scheduled, running or paused already.
    package func pause(_ slug: String) throws -> Campaign {
        try register.control(slug, .pause).0
    }

    /// `campaign resume`: it runs again (or waits for its start time), and the relays the daemon
    /// found faulty get another chance.
    package func resume(_ slug: String) throws -> Campaign {
        try register.control(slug, .resume).0
    }

    /// `campaign cancel`: what is still queued or waiting for a retry is cancelled (a message in
    /// the middle of sending finishes). Returns the campaign and how many messages were cancelled.
    package func cancel(_ slug: String) throws -> (campaign: Campaign, cancelled: Int) {
        try register.control(slug, .cancel)
    }

    /// The outbox states `campaign retry` puts back in the queue: what failed; with
    /// `unconfirmed`, also what may have arrived (its final reply was lost). Never what was sent,
    /// skipped (not to be mailed), cancelled, or is still on its way.
    package static func retriedStates(unconfirmed: Bool) -> Set<OutboxState> {
        unconfirmed ? [.failed, .unconfirmed] : [.failed]
    }

    /// `campaign retry`: requeues the messages `retriedStates(unconfirmed:)` picks, except those
    /// whose address is suppressed now; a finished campaign runs again. Returns how many.
    package func retry(_ slug: String, unconfirmed: Bool, now: Date = Date()) throws -> Int {
        try register.requeue(slug, from: Self.retriedStates(unconfirmed: unconfirmed), now: now)
    }

    /// `campaign status`: the campaign's figures now, with its rate and how long what is left
    /// will take.
    package func status(_ slug: String, now: Date = Date()) throws -> CampaignStatus {
        CampaignStatus(try register.progress(slug), now: now)
    }
}

extension CampaignLifecycle {
    /// Records `user` as the creator of the campaign `slug` (the first creator stays), for the
    /// two-person rule: the creator may not approve it.
    package func recordCreator(_ slug: String, user: String) throws {
        try register.recordCreator(slug, user: user)
    }

    /// `campaign approve`: `user`, who did not create it, approves the draft `slug`.
    package func approve(_ slug: String, by user: String, now: Date = Date()) throws {
        try register.approve(slug, by: user, now: now)
    }

    /// `campaign delete`: deletes the draft `slug`; a draft notice puts its invitation's event
    /// back as it was, a draft cancellation lifts the cancellation. Returns what was deleted.
    package func delete(_ slug: String, now: Date = Date()) throws -> Campaign {
        try register.deleteDraft(slug, now: now)
    }
}
