import Foundation
import GRDB
import OutreachModel

/// A mail the event's seats owe someone: the offer of a freed seat (`seat-offer`) or the ticket of
/// a confirmed seat (`seat-confirmed`), with what composing it needs.
package struct SeatMail: Sendable, Equatable {
    package enum Kind: String, Sendable { case offer, ticket }
    package let kind: Kind
    package let campaignID: Int64
    package let slug: String
    /// The invitation's event as frozen into it (JSON).
    package let eventSnapshot: String?
    package let recipient: Recipient
    /// The contact's own time zone (the import's `time_zone` column), when known.
    package let timeZone: String?
    package let guests: Int
    /// Until when the offer holds (offers only).
    package let offerExpiresAtMs: Int64?
    /// The address is suppressed now, or consent is no longer granted: it must not be mailed.
    package let mayNotMail: Bool

    /// The offer this mail is about (offers only).
    package var offer: SeatOffer? {
        offerExpiresAtMs.map { SeatOffer(campaignID: campaignID, contactID: recipient.id, party: 1 + guests, expiresAtMs: $0) }
    }
}

extension Register {
    /// Seat mails not yet sent: offers standing and unmailed, then confirmed seats whose ticket
    /// was not mailed, of invitations not cancelled. Oldest first, at most `limit`.
    package func dueSeatMail(limit: Int = 50) async throws -> [SeatMail] {
        try await dbWriter.read { db in
            let n = Contact.columnCount
            return try Row.fetchAll(db, sql: """
                SELECT \(Contact.selection), CASE WHEN r.seat = 'offered' THEN 'offer' ELSE 'ticket' END, m.id, m.slug, m.event_snapshot,
                       r.guests, r.offer_expires_at_ms, c.suppressed OR c.consent_status IS NOT 'granted',
                       json_extract(c.attributes, '$.time_zone')
                FROM rsvps r JOIN campaigns m ON m.id = r.campaign_id JOIN contacts c ON c.id = r.contact_id
                WHERE m.status != 'cancelled' AND m.event_cancelled_at IS NULL AND r.answer = 'yes' AND (
                    (r.seat = 'offered' AND r.offer_mailed_at_ms IS NULL) OR (r.seat = 'confirmed' AND r.ticket_mailed_at_ms IS NULL))
                ORDER BY r.seat = 'confirmed', r.answered_at, r.id LIMIT ?
                """, arguments: [limit]).map { row in
                SeatMail(kind: (row[n] as String) == "offer" ? .offer : .ticket, campaignID: row[n + 1], slug: row[n + 2], eventSnapshot: row[n + 3],
                         recipient: try Contact(row: row).recipient, timeZone: row[n + 7], guests: row[n + 4], offerExpiresAtMs: row[n + 5],
                         mayNotMail: row[n + 6])
            }
        }
    }

    /// Whether the waitlist may move: someone is waitlisted or holds an offer. A read, so the
    /// daemon's step writes nothing while no event has a waitlist.
    package func waitlistPending() async throws -> Bool {
        try await dbWriter.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM rsvps WHERE seat IN ('waitlisted','offered'))") ?? false
        }
    }

    /// Lets `offer` lapse now, as if its time had passed (the person cannot be mailed it: the
    /// address is suppressed): they keep their yes but hold no seat, and the next step offers the
    /// seat to the next person. Only while that offer still stands.
    package func lapseOffer(_ offer: SeatOffer) async throws {
        try await durableWrite { db in
            try db.execute(sql: """
                UPDATE rsvps SET seat = NULL, offer_expires_at_ms = NULL, offer_mailed_at_ms = NULL
                WHERE campaign_id = ? AND contact_id = ? AND seat = 'offered' AND offer_expires_at_ms = ?
                """, arguments: [offer.campaignID, offer.contactID, offer.expiresAtMs])
        }
    }

    /// Records, durably, that the ticket mail of `contactID`'s confirmed seat went out (only
    /// while the seat is still confirmed).
    package func markTicketMailed(campaignID: Int64, contactID: Int64, atMs: Int64) async throws {
        try await durableWrite { db in
            try db.execute(sql: """
                UPDATE rsvps SET ticket_mailed_at_ms = ? WHERE campaign_id = ? AND contact_id = ? AND seat = 'confirmed' AND answer = 'yes'
                """, arguments: [atMs, campaignID, contactID])
        }
    }
}
