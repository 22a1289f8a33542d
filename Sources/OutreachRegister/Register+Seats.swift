import Foundation
import GRDB
import OutreachModel

/// What recording an answer made of it: the seat it holds (nil: a no, or an event without a
/// capacity) and, when waitlisted, how many people are ahead.
package struct RSVPOutcome: Sendable, Equatable {
    package let seat: Seat?
    package let ahead: Int
    package init(seat: Seat?, ahead: Int) { self.seat = seat; self.ahead = ahead }
}

extension Register {
    /// Records (or replaces) an answer and decides its seat (`Seats.decide`) in one immediate
    /// transaction, synced to disk before it returns: under any number of simultaneous answers,
    /// from any number of processes, the seats held never exceed the event's capacity. A no, or
    /// fewer guests, frees seats (the daemon offers them: `offerFreedSeats`). Nil when the
    /// campaign is cancelled or gone: nothing is recorded then.
    package func recordRSVP(campaignID: Int64, contactID: Int64, answer: RSVP.Answer, guests: Int,
                           at time: String = Timestamp.string()) async throws -> RSVPOutcome? {
        try await durableWrite { db -> RSVPOutcome? in
            guard let c = try Row.fetchOne(db, sql: "SELECT status, json_extract(event_snapshot, '$.capacity') FROM campaigns WHERE id = ?",
                                           arguments: [campaignID]),
                  let status: String = c[0], status != Campaign.Status.cancelled.rawValue else { return nil }
            let capacity: Int? = c[1]
            var rsvp = try RSVP.filter(RSVP.Columns.campaignId == campaignID && RSVP.Columns.contactId == contactID).fetchOne(db)
                ?? RSVP(campaignId: campaignID, contactId: contactID, answer: answer, guests: 0, answeredAt: time)
            let before = rsvp.seat, guestsBefore = rsvp.guests
            rsvp.answer = answer
            rsvp.guests = answer == .no ? 0 : guests
            rsvp.answeredAt = time
            if answer == .yes, let capacity {
                let held = try Int.fetchOne(db, sql: """
                    SELECT COALESCE(SUM(1 + guests), 0) FROM rsvps WHERE campaign_id = ? AND seat IN ('confirmed','offered') AND contact_id != ?
                    """, arguments: [campaignID, contactID]) ?? 0
                let ahead = try Self.waitingAhead(db, campaignID: campaignID, before: before == .waitlisted ? rsvp.waitlistPosition : nil)
                rsvp.seat = Seats.decide(party: 1 + rsvp.guests, capacity: capacity, heldByOthers: held, current: before, waitingAhead: ahead)
            } else {
                rsvp.seat = nil
            }
            if rsvp.seat == .waitlisted, before != .waitlisted {
                rsvp.waitlistPosition = 1 + (try Int.fetchOne(db, sql: "SELECT MAX(waitlist_position) FROM rsvps WHERE campaign_id = ?",
                                                               arguments: [campaignID]) ?? 0)
            } else if rsvp.seat != .waitlisted {
                rsvp.waitlistPosition = nil
            }
            if rsvp.seat != .offered { rsvp.offerExpiresAtMs = nil; rsvp.offerMailedAtMs = nil }
            // A new confirmation, or another number of guests, owes a ticket mail with the codes held now.
            if rsvp.seat != .confirmed || before != .confirmed || rsvp.guests != guestsBefore { rsvp.ticketMailedAtMs = nil }
            try rsvp.save(db)
            let ahead = rsvp.seat == .waitlisted ? try Self.waitingAhead(db, campaignID: campaignID, before: rsvp.waitlistPosition) : 0
            return RSVPOutcome(seat: rsvp.seat, ahead: ahead)
        }
    }

    /// People waitlisted for `campaignID` before `position` (all of them without one).
    static func waitingAhead(_ db: Database, campaignID: Int64, before position: Int?) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM rsvps WHERE campaign_id = ? AND seat = 'waitlisted' AND waitlist_position < ?",
                         arguments: [campaignID, position ?? Int.max]) ?? 0
    }

    /// One immediate transaction with `synchronous = FULL`: its commit is on disk when this returns
    /// (durable before told), and it holds the write lock from its first read, so what it read
    /// cannot change under it from another process either.
    func durableWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await dbWriter.writeWithoutTransaction { db -> T in
            let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 1
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = \(synchronous)") }
            var result: T?
            try db.inTransaction(.immediate) {
                result = try body(db)
                return .commit
            }
            return result!
        }
    }
}

extension Register {
    /// How many people are waitlisted before `rsvp` (0 unless it is waitlisted).
    package func waitlistAhead(_ rsvp: RSVP) async throws -> Int {
        guard rsvp.seat == .waitlisted else { return 0 }
        return try await dbWriter.read { db in
            try Self.waitingAhead(db, campaignID: rsvp.campaignId, before: rsvp.waitlistPosition)
        }
    }
}
