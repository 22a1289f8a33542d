import OutreachModel
import Testing

/// The order of suppression reasons, every pair of them: which one stands, and which one the
/// person's own opt-in may lift.
@Suite struct SuppressionReasonTests {
    /// DESIGN.md's order, strongest first, written out here rather than read from the type.
    let strongestFirst: [SuppressionReason] = [.erased, .complaint, .hardBounce, .staff, .unreachable, .unsubscribed]

    @Test func everyReasonHasItsPlaceInTheOrder() {
        #expect(Set(strongestFirst) == Set(SuppressionReason.allCases))
    }

    @Test(arguments: SuppressionReason.allCases, SuppressionReason.allCases)
    func aStrongerReasonReplacesAWeakerOneAndNothingElseDoes(current: SuppressionReason, new: SuppressionReason) {
        let currentRank = strongestFirst.firstIndex(of: current)!, newRank = strongestFirst.firstIndex(of: new)!
        #expect(current.isReplaced(by: new) == (newRank < currentRank))
        #expect(SuppressionReason.standing(current: current, new: new) == (newRank < currentRank ? new : current))
    }

    @Test(arguments: SuppressionReason.allCases)
    func aFirstReasonStands(new: SuppressionReason) {
        #expect(SuppressionReason.standing(current: nil, new: new) == new)
    }

    @Test(arguments: SuppressionReason.allCases)
    func onlyThePersonsOwnUnsubscribeIsLiftedByTheirOptIn(reason: SuppressionReason) {
        #expect(reason.isLiftedByOwnOptIn == (reason == .unsubscribed))
    }

    @Test func theStoredNamesStayTheOnesTheDatabaseHolds() {
        #expect(SuppressionReason.allCases.map(\.rawValue).sorted()
                == ["complaint", "erased", "hard-bounce", "staff", "unreachable", "unsubscribed"])
    }
}
