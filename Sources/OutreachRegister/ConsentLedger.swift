import Foundation
import GRDB
import OutreachModel

/// One row of the consent ledger: who, when, how, for which purpose. Rows are only ever appended.
public struct Consent: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "consents"
    public typealias Status = ConsentStatus

    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column("id")
        public static let contactId = Column("contact_id")
    }

    public var id: Int64?
    public var contactId: Int64?
    /// SHA-256 of the address's key, kept only on rows whose contact was erased (`contactId` nil).
    public var addressHash: String?
    public var status: Status
    public var purpose: String
    public var source: String
    public var evidence: String?
    public var actor: String
    public var recordedAt: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The purpose every invitation is sent under.
    public static let invitationPurpose = "event-invitations"
}

/// Reads and appends consent. A contact's current consent is its latest ledger row.
public enum ConsentLedger {
    /// SQL for the current consent status of the contact aliased `c` (NULL when none): the
    /// status of its latest ledger row, which `append` copies into `contacts.consent_status`.
    static let currentStatusSQL = "c.consent_status"

    /// Appends a row for a registered contact and, in the same transaction, makes it the
    /// contact's current consent. Every ledger row of a contact goes through here (the importer
    /// writes new contacts' first rows with the contacts themselves, set-based).
    static func append(
        _ db: Database, contactID: Int64, status: Consent.Status, source: String,
        evidence: String?, actor: String, at time: String = Timestamp.string()
    ) throws {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO consents (contact_id, status, purpose, source, evidence, actor, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.execute(arguments: [contactID, status.rawValue, Consent.invitationPurpose, source, evidence, actor, time])
        let follow = try db.cachedStatement(sql: "UPDATE contacts SET consent_status = ? WHERE id = ?")
        try follow.execute(arguments: [status.rawValue, contactID])
    }

    /// Appends a row for `contact` (see `append`).
    static func record(
        _ db: Database, contact: Contact, status: Consent.Status, source: String,
        evidence: String?, actor: String, at date: Date = Date()
    ) throws {
        guard let id = contact.id else { throw DatabaseError(message: "consent for a contact that is not in the register") }
        try append(db, contactID: id, status: status, source: source, evidence: evidence, actor: actor, at: Timestamp.string(date))
    }

    /// The contact's current consent, or nil when the ledger has nothing for it.
    static func current(_ db: Database, contactID: Int64) throws -> Consent.Status? {
        try String.fetchOne(
            db, sql: "SELECT status FROM consents WHERE contact_id = ? ORDER BY id DESC LIMIT 1",
            arguments: [contactID]
        ).flatMap(Consent.Status.init(rawValue:))
    }

    /// The whole history of a contact, oldest first.
    static func history(_ db: Database, contactID: Int64) throws -> [Consent] {
        try Consent.filter(Consent.Columns.contactId == contactID).order(Consent.Columns.id).fetchAll(db)
    }

    /// Who is acting: the login name, for the `actor` column.
    public static var staffActor: String {
        ProcessInfo.processInfo.environment["USER"].map { "staff:\($0)" } ?? "staff"
    }
}
