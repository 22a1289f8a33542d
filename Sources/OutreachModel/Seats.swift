/// What a "yes" holds at an event with a capacity.
public enum Seat: String, Codable, Sendable, CaseIterable {
    /// The person (and their guests) have seats.
    case confirmed
    /// No seats now: waiting, in the order answers arrived.
    case waitlisted
    /// Freed seats held for a waitlisted person until their offer expires.
    case offered
}

/// The seat rule of an event with a capacity, as a pure decision: a party's seats are 1 + guests;
/// seats held are the confirmed and offered ones. A yes that fits, when nobody is waiting, is
/// confirmed; otherwise it waits. The waitlist is never jumped: while anyone waits, freed seats go
/// to them (as offers, `Seats.offers`) first.
public enum Seats {
    /// What a person's answer makes of their seat.
    /// - `capacity`: seats at the event; `heldByOthers`: seats confirmed or offered to others.
    /// - `current`: what they held before; `waitingAhead`: people waitlisted before them (all
    ///   waitlisted people when they were not waiting).
    public static func decide(party: Int, capacity: Int, heldByOthers: Int, current: Seat?, waitingAhead: Int) -> Seat {
        let fits = heldByOthers + party <= capacity
        switch current {
        case .confirmed?, .offered?: return fits ? .confirmed : .waitlisted
        case .waitlisted?, nil: return fits && waitingAhead == 0 ? .confirmed : .waitlisted
        }
    }

    /// Which of the waitlisted parties (in waitlist order) get an offer when `free` seats are not
    /// held by anyone: the head of the list while its party fits, so nobody is passed over.
    public static func offers(waiting parties: [Int], free: Int) -> Int {
        var left = free, count = 0
        for party in parties {
            guard party <= left else { break }
            left -= party
            count += 1
        }
        return count
    }
}
