import Foundation
import GRDB
import OutreachModel

/// Who a ticket admits, as the desk needs to greet them.
package struct Arrival: Sendable, Equatable, Encodable {
    package let name: String
    package let addressedAs: String?
    package let honorific: String?
    package let language: String?
    /// 0 for the person, 1… for a guest of theirs.
    package let guest: Int
    /// Guests they said they would bring.
    package let guests: Int
    /// A note staff keep about the person (the import's `note` column), if any.
    package let note: String?
}

/// What scanning a ticket at the door came to.
package enum CheckinResult: Sendable, Equatable {
    /// Welcome: first scan of this ticket.
    case accepted(Arrival)
    /// Scanned before: when and where.
    case alreadyScanned(Arrival, at: String, place: String)
    /// A genuine code no longer honoured: the answer was cancelled, the seat lost, or fewer guests.
    case revoked
}

extension Register {
    /// Checks in the ticket of `contactID`'s guest `guest` (0: the person) for `campaignID`, once:
    /// honoured while the person's yes holds a confirmed seat (or, without a capacity, stands) and
    /// counts that guest. The first scan is recorded durably with `place`; a later one (a second
    /// phone, a queued scan synced twice) finds it and says when and where.
    package func checkIn(campaignID: Int64, contactID: Int64, guest: Int, codeHash: String, place: String,
                        at time: String = Timestamp.string()) async throws -> CheckinResult {
        try await durableWrite { db -> CheckinResult in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT r.answer, r.guests, r.seat, json_extract(c.event_snapshot, '$.capacity'),
                       k.name, k.addressed_as, k.honorific, k.language, json_extract(k.attributes, '$.note')
                FROM rsvps r JOIN campaigns c ON c.id = r.campaign_id JOIN contacts k ON k.id = r.contact_id
                WHERE r.campaign_id = ? AND r.contact_id = ?
                """, arguments: [campaignID, contactID]) else { return .revoked }
            let answer: String = row[0], guests: Int = row[1], seat: String? = row[2], capacity: Int? = row[3]
            let honoured = answer == "yes" && guest <= guests && (capacity == nil || seat == Seat.confirmed.rawValue)
            guard honoured else { return .revoked }
            let arrival = Arrival(name: row[4], addressedAs: row[5], honorific: row[6], language: row[7], guest: guest, guests: guests, note: row[8])
            if let first = try Row.fetchOne(db, sql: "SELECT scanned_at, place FROM checkins WHERE campaign_id = ? AND code_hash = ?",
                                            arguments: [campaignID, codeHash]) {
                return .alreadyScanned(arrival, at: first[0], place: first[1])
            }
            try db.execute(sql: """
                INSERT INTO checkins (campaign_id, contact_id, guest, code_hash, scanned_at, place) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [campaignID, contactID, guest, codeHash, time, String(place.prefix(100))])
            return .accepted(arrival)
        }
    }

    /// The tickets honoured now for `campaignID`: each person whose yes holds a seat, with their
    /// guest count (tickets 0…guests). The door's offline roster is made from it.
    package func honouredTickets(campaignID: Int64) async throws -> [(contactID: Int64, guests: Int)] {
        try await dbWriter.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.contact_id, r.guests FROM rsvps r JOIN campaigns c ON c.id = r.campaign_id
                WHERE r.campaign_id = ? AND r.answer = 'yes'
                    AND (json_extract(c.event_snapshot, '$.capacity') IS NULL OR r.seat = 'confirmed')
                ORDER BY r.contact_id
                """, arguments: [campaignID]).map { ($0[0], $0[1]) }
        }
    }

    /// Adds a walk-in at the desk: a name, an email if they give one, and their answer when asked
    /// separately for consent to hear from us (nil: not asked). Nothing is assumed: a walk-in is
    /// not a contact and is never mailed from here.
    package func addWalkIn(campaignID: Int64, name: String, email: String?, consent: Bool?, place: String) async throws {
        try await durableWrite { db in
            try db.execute(sql: """
                INSERT INTO walk_ins (campaign_id, name, email, consent_asked, place, added_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [campaignID, name, email, consent.map { $0 ? "granted" : "declined" }, String(place.prefix(100)), Timestamp.string()])
        }
    }
}
