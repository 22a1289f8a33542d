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

    /// Records (or replaces) an answer. `guests` is 0 with a no. Nothing is recorded for a
    /// campaign that was cancelled (or is gone): the answer is false then.
    @discardableResult
    public func recordRSVP(campaignID: Int64, contactID: Int64, answer: RSVP.Answer, guests: Int,
                           at time: String = Timestamp.string()) async throws -> Bool {
        try await dbWriter.write { db -> Bool in
            let status = try String.fetchOne(db, sql: "SELECT status FROM campaigns WHERE id = ?", arguments: [campaignID])
            guard let status, status != Campaign.Status.cancelled.rawValue else { return false }
            try db.execute(sql: """
                INSERT INTO rsvps (campaign_id, contact_id, answer, guests, answered_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (campaign_id, contact_id) DO UPDATE SET answer = excluded.answer, guests = excluded.guests,
                    answered_at = excluded.answered_at
                """, arguments: [campaignID, contactID, answer.rawValue, answer == .no ? 0 : guests, time])
            return true
        }
    }

    /// Records a test message (outside the campaign's counts).
    public func recordTest(campaignID: Int64, email: String, messageID: String, outcome: String, reply: String?) throws {
        var test = TestSend(campaignId: campaignID, email: email, messageId: messageID, outcome: outcome, reply: reply,
                            sentAt: Timestamp.string())
        try dbWriter.write { db in try test.insert(db) }
    }
}
