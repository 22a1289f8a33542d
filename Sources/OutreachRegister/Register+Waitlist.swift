import Foundation
import GRDB
import OutreachModel

/// A freed seat offered to a waitlisted person: who, for which invitation, until when.
package struct SeatOffer: Sendable, Equatable {
    package let campaignID: Int64
    package let contactID: Int64
    package let party: Int
    package let expiresAtMs: Int64
}

/// What a waitlist step did: offers that lapsed (and passed on) and offers made.
package struct WaitlistStep: Sendable, Equatable {
    package var expired: [SeatOffer] = []
    package var offered: [SeatOffer] = []
    package init() {}
}

/// What taking an offered seat came to.
package enum OfferAnswer: Sendable, Equatable {
    /// The seat is theirs now (or already was).
    case confirmed
    /// No offer to take: it expired and passed on, or was never made. `seat` is what they hold.
    case noOffer(seat: Seat?)
}

extension Register {
    /// The daemon's waitlist step for every invitation with a capacity, one durable transaction:
    /// offers whose time passed lapse (the seat passes on; the person keeps their yes but holds no
    /// seat), then seats not held by anyone go, as offers valid for `offerDuration`, to the head
    /// of the waitlist in order (`Seats.offers`). A person holds at most one offer (one row per
    /// person), and an offered seat counts as held, so nobody is offered a seat someone else holds.
    package func offerFreedSeats(nowMs: Int64, offerDuration: Duration) async throws -> WaitlistStep {
        let validMs = offerDuration.components.seconds * 1000 + offerDuration.components.attoseconds / 1_000_000_000_000_000
        return try await durableWrite { db -> WaitlistStep in
            var step = WaitlistStep()
            let campaigns = try Row.fetchAll(db, sql: """
                SELECT id, json_extract(event_snapshot, '$.capacity') FROM campaigns
                WHERE kind = 'invitation' AND status != 'cancelled' AND event_cancelled_at IS NULL
                    AND json_extract(event_snapshot, '$.capacity') IS NOT NULL
                """)
            for campaign in campaigns {
                let id: Int64 = campaign[0], capacity: Int = campaign[1]
                step.expired += try Row.fetchAll(db, sql: """
                    UPDATE rsvps SET seat = NULL, offer_expires_at_ms = NULL, offer_mailed_at_ms = NULL
                    WHERE campaign_id = ? AND seat = 'offered' AND offer_expires_at_ms <= ?
                    RETURNING contact_id, 1 + guests, ?
                    """, arguments: [id, nowMs, nowMs]).map { SeatOffer(campaignID: id, contactID: $0[0], party: $0[1], expiresAtMs: $0[2]) }
                let held = try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(1 + guests), 0) FROM rsvps WHERE campaign_id = ? AND seat IN ('confirmed','offered')",
                                            arguments: [id]) ?? 0
                guard held < capacity else { continue }
                let waiting = try Row.fetchAll(db, sql: """
                    SELECT contact_id, 1 + guests FROM rsvps WHERE campaign_id = ? AND seat = 'waitlisted' ORDER BY waitlist_position
                    """, arguments: [id]).map { (contact: $0[0] as Int64, party: $0[1] as Int) }
                let n = Seats.offers(waiting: waiting.map(\.party), free: capacity - held)
                for person in waiting.prefix(n) {
                    try db.execute(sql: """
                        UPDATE rsvps SET seat = 'offered', waitlist_position = NULL, offer_expires_at_ms = ?, offer_mailed_at_ms = NULL
                        WHERE campaign_id = ? AND contact_id = ?
                        """, arguments: [nowMs + validMs, id, person.contact])
                    step.offered.append(SeatOffer(campaignID: id, contactID: person.contact, party: person.party, expiresAtMs: nowMs + validMs))
                }
            }
            return step
        }
    }

    /// Takes an offered seat (the `/s/{token}` page's POST) if the offer still stands at `nowMs`.
    package func takeOffer(campaignID: Int64, contactID: Int64, nowMs: Int64) async throws -> OfferAnswer {
        try await durableWrite { db -> OfferAnswer in
            guard let row = try Row.fetchOne(db, sql: "SELECT seat, offer_expires_at_ms FROM rsvps WHERE campaign_id = ? AND contact_id = ?",
                                             arguments: [campaignID, contactID]) else { return .noOffer(seat: nil) }
            let seat = (row[0] as String?).flatMap(Seat.init(rawValue:))
            if seat == .confirmed { return .confirmed }
            guard seat == .offered, let expires: Int64 = row[1], expires > nowMs else { return .noOffer(seat: seat) }
            try db.execute(sql: """
                UPDATE rsvps SET seat = 'confirmed', offer_expires_at_ms = NULL, ticket_mailed_at_ms = NULL WHERE campaign_id = ? AND contact_id = ?
                """, arguments: [campaignID, contactID])
            return .confirmed
        }
    }

    /// Records that the offer mail for `offer` went out (only while that offer still stands).
    package func markOfferMailed(_ offer: SeatOffer, atMs: Int64) async throws {
        try await durableWrite { db in
            try db.execute(sql: """
                UPDATE rsvps SET offer_mailed_at_ms = ? WHERE campaign_id = ? AND contact_id = ? AND seat = 'offered' AND offer_expires_at_ms = ?
                """, arguments: [atMs, offer.campaignID, offer.contactID, offer.expiresAtMs])
        }
    }
}
