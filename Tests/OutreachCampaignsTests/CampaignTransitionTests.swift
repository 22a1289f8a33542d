import OutreachCampaigns
import OutreachModel
import Testing

/// A campaign's phases, every (phase, step) combination: what the campaign becomes, or that the
/// step is refused. The expected table is written out whole, so any change of a rule shows here.
@Suite struct CampaignTransitionTests {
    typealias T = CampaignTransition
    typealias Move = T.Move

    /// Every step in every phase: nil where it is refused.
    static let expected: [CampaignStep: [CampaignPhase: Move?]] = [
        .launch(startsLater: false): [.draft: Move(.running), .scheduled: Move(.running), .running: Move(.running),
                                      .paused: Move(.paused), .cancelled: nil, .finished: Move(.running)],
        .launch(startsLater: true): [.draft: Move(.scheduled), .scheduled: Move(.scheduled), .running: Move(.scheduled),
                                     .paused: Move(.paused), .cancelled: nil, .finished: Move(.scheduled)],
        .pause: [.draft: nil, .scheduled: Move(.paused, reason: .cleared), .running: Move(.paused, reason: .cleared),
                 .paused: Move(.paused), .cancelled: nil, .finished: nil],
        .resume(startsLater: false): [.draft: nil, .scheduled: nil, .running: Move(.running, reason: .cleared),
                                      .paused: Move(.running, reason: .cleared), .cancelled: nil, .finished: nil],
        .resume(startsLater: true): [.draft: nil, .scheduled: nil, .running: Move(.scheduled, reason: .cleared),
                                     .paused: Move(.scheduled, reason: .cleared), .cancelled: nil, .finished: nil],
        .cancel: [.draft: Move(.cancelled), .scheduled: Move(.cancelled), .running: Move(.cancelled),
                  .paused: Move(.cancelled), .cancelled: nil, .finished: nil],
        .retry(requeued: false): [.draft: nil, .scheduled: Move(.scheduled), .running: Move(.running),
                                  .paused: Move(.paused), .cancelled: nil, .finished: Move(.finished)],
        .retry(requeued: true): [.draft: nil, .scheduled: Move(.scheduled), .running: Move(.running),
                                 .paused: Move(.paused), .cancelled: nil, .finished: Move(.running)],
        .start: [.draft: nil, .scheduled: Move(.running), .running: nil, .paused: nil, .cancelled: nil, .finished: nil],
        .finish: [.draft: nil, .scheduled: nil, .running: Move(.finished), .paused: nil, .cancelled: nil, .finished: nil],
        .fault: [.draft: nil, .scheduled: nil, .running: Move(.paused, reason: .given), .paused: nil, .cancelled: nil, .finished: nil],
        .approve: [.draft: Move(.draft), .scheduled: nil, .running: nil, .paused: nil, .cancelled: nil, .finished: nil],
        .delete: [.draft: Move(.draft), .scheduled: nil, .running: nil, .paused: nil, .cancelled: nil, .finished: nil],
    ]

    @Test func theTableAnswersEveryStepInEveryPhaseAsWrittenOut() {
        #expect(Set(Self.expected.keys) == Set(CampaignStep.allCases), "the expected table names every step")
        var checked = 0
        for step in CampaignStep.allCases {
            for phase in CampaignPhase.allCases {
                guard let row = Self.expected[step], let want = row[phase] else {
                    Issue.record("\(step) in \(phase): missing from the expected table"); continue
                }
                switch T.next(from: phase, on: step) {
                case .success(let move): #expect(move == want, "\(step) in \(phase)")
                case .failure(let refusal):
                    #expect(want == nil, "\(step) in \(phase) was refused")
                    #expect(refusal == T.Refusal(phase: phase, step: step), "the refusal names the phase and the step")
                }
                checked += 1
            }
        }
        #expect(checked == CampaignStep.allCases.count * CampaignPhase.allCases.count)
    }

    @Test func nothingMovesACancelledCampaign() {
        for step in CampaignStep.allCases {
            #expect((try? T.next(from: .cancelled, on: step).get()) == nil, "\(step)")
        }
    }

    @Test func aDraftOnlyGoesOutByALaunchIsCancelledApprovedOrDeleted() {
        for step in CampaignStep.allCases {
            let move = try? T.next(from: .draft, on: step).get()
            switch step {
            case .launch, .cancel, .approve, .delete: #expect(move != nil, "\(step)")
            default: #expect(move == nil, "\(step)")
            }
        }
    }

    @Test func onlyAFaultGivesAReasonAndOnlyStaffClearIt() {
        for step in CampaignStep.allCases {
            for phase in CampaignPhase.allCases {
                guard let move = try? T.next(from: phase, on: step).get() else { continue }
                if move.reason == .given { #expect(step == .fault, "\(step) in \(phase)") }
                if move.reason == .cleared { #expect(step == .pause || step.action == .resume, "\(step) in \(phase)") }
                if move.reason == .given { #expect(move.phase == .paused, "a reason is the reason of a pause") }
            }
        }
    }

    @Test func aPausedCampaignStaysPausedUntilStaffResumeIt() {
        // A launch adds people to it, a retry requeues: neither starts sending behind staff's back.
        for step in CampaignStep.allCases where step.action != .resume && step != .cancel {
            if let move = try? T.next(from: .paused, on: step).get() { #expect(move.phase == .paused, "\(step)") }
        }
    }

    @Test func everyStaffRefusalNamesAnActionButTheDaemonStepsApprovalAndDeletionNone() {
        for step in CampaignStep.allCases {
            switch step {
            case .start, .finish, .fault, .approve, .delete: #expect(step.action == nil)
            default: #expect(step.action != nil)
            }
        }
        #expect(T.phases(allowing: .fault) == [.running])
        #expect(T.phases(allowing: .start) == [.scheduled])
        #expect(T.phases(allowing: .finish) == [.running])
        #expect(T.phases(allowing: .approve) == [.draft], "only a draft is approved")
        #expect(T.phases(allowing: .delete) == [.draft], "only a draft is deleted")
    }
}

/// Which messages `campaign retry` puts back in the queue, every outbox state checked.
@Suite struct RetrySelectionTests {
    @Test func aPlainRetryTakesOnlyWhatFailed() {
        for state in OutboxState.allCases {
            #expect(CampaignLifecycle.retriedStates(unconfirmed: false).contains(state) == (state == .failed), "\(state)")
        }
    }

    @Test func unconfirmedAlsoTakesWhatMayHaveArrivedAndNothingElse() {
        for state in OutboxState.allCases {
            #expect(CampaignLifecycle.retriedStates(unconfirmed: true).contains(state) == [.failed, .unconfirmed].contains(state), "\(state)")
        }
    }
}
