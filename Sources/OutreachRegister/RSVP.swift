import Foundation
import GRDB
import OutreachModel

/// A person's answer to a campaign's event: yes (with guests) or no. One per campaign and contact;
/// a later answer replaces it until the deadline.
public struct RSVP: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "rsvps"
    public enum Answer: String, Codable, Sendable, CaseIterable { case yes, no }

    public var id: Int64?
    public var campaignId: Int64
    public var contactId: Int64
    public var answer: Answer
    /// People coming with them (0 with a no), at most `RSVP.maxGuests`.
    public var guests: Int
    public var answeredAt: String
    /// What the yes holds at an event with a capacity (`eventday-v1`); nil otherwise.
    public var seat: Seat? = nil
    /// The place in the waitlist (the order answers arrived), while waitlisted.
    public var waitlistPosition: Int? = nil
    /// Until when an offered seat is held.
    public var offerExpiresAtMs: Int64? = nil
    /// When the offer mail, and the ticket mail, were queued (nil: not yet).
    public var offerMailedAtMs: Int64? = nil
    public var ticketMailedAtMs: Int64? = nil

    /// The most guests one person may bring (the table's CHECK says the same).
    public static let maxGuests = 10

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, for queries.
    public enum Columns {
        public static let campaignId = Column("campaign_id")
        public static let contactId = Column("contact_id")
    }
}

/// A message sent with `campaign test`: outside the campaign's counts, kept for the record.
public struct TestSend: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "test_sends"
    public var id: Int64?
    public var campaignId: Int64
    public var email: String
    public var messageId: String
    /// `sent`, `retry`, `failed` or `unknown`: what the relay said.
    public var outcome: String
    public var reply: String?
    public var sentAt: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Register {
    /// The answer `contactID` gave to `campaignID`, if any.
    public func rsvp(campaignID: Int64, contactID: Int64) async throws -> RSVP? {
        try await dbWriter.read { db in
            try RSVP.filter(RSVP.Columns.campaignId == campaignID && RSVP.Columns.contactId == contactID).fetchOne(db)
        }
    }

    /// Records a test message (outside the campaign's counts).
    public func recordTest(campaignID: Int64, email: String, messageID: String, outcome: String, reply: String?) throws {
        var test = TestSend(campaignId: campaignID, email: email, messageId: messageID, outcome: outcome, reply: reply,
                            sentAt: Timestamp.string())
        try dbWriter.write { db in try test.insert(db) }
    }
}
