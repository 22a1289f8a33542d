import OutreachModel
import Testing

/// The outbox's state machine, every (outcome, hold, campaign) combination: what a row a worker
/// tried becomes.
@Suite struct OutboxTransitionTests {
    typealias T = OutboxTransition
    static let held: [T.Hold] = [.heldFirstTry, .heldAgain]

    /// Every combination, each checked against the rule it falls under below.
    static let everyCombination: [(T.Outcome, T.Hold, CampaignPhase)] = T.Outcome.allCases.flatMap { o in
        T.Hold.allCases.flatMap { h in CampaignPhase.allCases.map { (o, h, $0) } }
    }

    @Test func theTableAnswersEveryCombination() {
        #expect(Self.everyCombination.count == T.Outcome.allCases.count * T.Hold.allCases.count * CampaignPhase.allCases.count)
        for (outcome, hold, phase) in Self.everyCombination {
            let next = T.next(after: outcome, hold: hold, campaign: phase)
            #expect((next == nil) == (hold == .lost), "\(outcome) \(hold) \(phase): only a lost lease leaves the row alone")
            #expect(next != .sending, "\(outcome) \(hold) \(phase): a try always ends the hold")
        }
    }

    @Test func whatHappenedAtTheRelayIsRecordedWhateverTheCampaignBecame() {
        for hold in Self.held {
            for phase in CampaignPhase.allCases {
                #expect(T.next(after: .accepted, hold: hold, campaign: phase) == .sent)
                #expect(T.next(after: .replyLostTwice, hold: hold, campaign: phase) == .unconfirmed)
                #expect(T.next(after: .notToBeMailed, hold: hold, campaign: phase) == .skipped)
                #expect(T.next(after: .refused, hold: hold, campaign: phase) == .failed)
            }
        }
    }

    @Test func aRowTooOldWhoseReplyWasLostIsUnconfirmedNeverFailed() {
        // `failed` is requeued by a plain `campaign retry`; `unconfirmed` only with --unconfirmed.
        for hold in Self.held {
            for phase in CampaignPhase.allCases {
                #expect(T.next(after: .tooOldAfterLostReply, hold: hold, campaign: phase) == .unconfirmed, "\(hold) \(phase)")
            }
        }
    }

    @Test func nothingWaitsForAnotherTryOfACancelledCampaign() {
        for hold in Self.held {
            for outcome in [T.Outcome.tryAgain, .tooOld, .notTried] {
                #expect(T.next(after: outcome, hold: hold, campaign: .cancelled) == .cancelled, "\(outcome) \(hold)")
            }
        }
    }

    @Test func otherwiseATryAgainWaitsAndATooOldRowFails() {
        for hold in Self.held {
            for phase in CampaignPhase.allCases where phase != .cancelled {
                #expect(T.next(after: .tryAgain, hold: hold, campaign: phase) == .retry, "\(hold) \(phase)")
                #expect(T.next(after: .tooOld, hold: hold, campaign: phase) == .failed, "\(hold) \(phase)")
            }
        }
    }

    @Test func aRowNotTriedGoesBackWhereItWasClaimedFrom() {
        for phase in CampaignPhase.allCases where phase != .cancelled {
            #expect(T.next(after: .notTried, hold: .heldFirstTry, campaign: phase) == .queued, "\(phase)")
            #expect(T.next(after: .notTried, hold: .heldAgain, campaign: phase) == .retry, "\(phase)")
        }
    }
}
