import Foundation
import GRDB
import OutreachModel

/// One row of the consent ledger: who, when, how, for which purpose. Rows are only ever appended.
package struct Consent: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "consents"
    package typealias Status = ConsentStatus

    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column("id")
        package static let contactId = Column("contact_id")
    }

    package var id: Int64?
    package var contactId: Int64?
    /// SHA-256 of the address's key, kept only on rows whose contact was erased (`contactId` nil).
    package var addressHash: String?
    package var status: Status
    package var purpose: String
    package var source: String
    package var evidence: String?
    package var actor: String
    package var recordedAt: String

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The purpose every invitation is sent under.
    package static let invitationPurpose = "event-invitations"
}

/// Reads and appends consent. A contact's current consent is its latest ledger row.
package enum ConsentLedger {
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
    package static var staffActor: String {
        ProcessInfo.processInfo.environment["USER"].map { "staff:\($0)" } ?? "staff"
    }
}
