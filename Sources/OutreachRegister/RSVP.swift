import Foundation
import GRDB
import OutreachModel

/// A person's answer to a campaign's event: yes (with guests) or no. One per campaign and contact;
/// a later answer replaces it until the deadline.
package struct RSVP: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "rsvps"
    package enum Answer: String, Codable, Sendable, CaseIterable { case yes, no }

    package var id: Int64?
    package var campaignId: Int64
    package var contactId: Int64
    package var answer: Answer
    /// People coming with them (0 with a no), at most `RSVP.maxGuests`.
    package var guests: Int
    package var answeredAt: String
    /// What the yes holds at an event with a capacity (`eventday-v1`); nil otherwise.
    package var seat: Seat? = nil
    /// The place in the waitlist (the order answers arrived), while waitlisted.
    package var waitlistPosition: Int? = nil
    /// Until when an offered seat is held.
    package var offerExpiresAtMs: Int64? = nil
    /// When the offer mail, and the ticket mail, were queued (nil: not yet).
    package var offerMailedAtMs: Int64? = nil
    package var ticketMailedAtMs: Int64? = nil

    /// The most guests one person may bring (the table's CHECK says the same).
    package static let maxGuests = 10

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, for queries.
    package enum Columns {
        package static let campaignId = Column("campaign_id")
        package static let contactId = Column("contact_id")
    }
}

/// A message sent with `campaign test`: outside the campaign's counts, kept for the record.
package struct TestSend: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "test_sends"
    package var id: Int64?
    package var campaignId: Int64
    package var email: String
    package var messageId: String
    /// `sent`, `retry`, `failed` or `unknown`: what the relay said.
    package var outcome: String
    package var reply: String?
    package var sentAt: String

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Register {
    /// The answer `contactID` gave to `campaignID`, if any.
    package func rsvp(campaignID: Int64, contactID: Int64) async throws -> RSVP? {
        try await dbWriter.read { db in
            try RSVP.filter(RSVP.Columns.campaignId == campaignID && RSVP.Columns.contactId == contactID).fetchOne(db)
        }
    }

    /// Records a test message (outside the campaign's counts).
    package func recordTest(campaignID: Int64, email: String, messageID: String, outcome: String, reply: String?) throws {
        var test = TestSend(campaignId: campaignID, email: email, messageId: messageID, outcome: outcome, reply: reply,
                            sentAt: Timestamp.string())
        try dbWriter.write { db in try test.insert(db) }
    }
}
