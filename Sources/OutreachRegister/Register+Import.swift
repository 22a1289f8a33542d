import Foundation
import GRDB
import OutreachModel

/// One person read from a contact file, validated, ready to merge into the register (the
/// importer makes them; `Register.importContacts` writes them).
package struct ImportedContact: Sendable {
    package var row: Int
    package var address: EmailAddress
    package var name: String?
    package var addressedAs: String?
    package var honorific: String?
    package var kind: ContactKind?
    package var country: String?
    package var city: String?
    package var language: String?
    package var organization: String?
    package var tags: [String]
    package var attributes: [String: String]
    package var consentGiven: Bool
    /// True when the file says yes or no to consent for this row (not when it says nothing).
    package var consentStated = false
    package var evidence: String?
    package var warnings: [StaffMessage]

    package init(row: Int, address: EmailAddress, name: String? = nil, addressedAs: String? = nil, honorific: String? = nil,
                kind: ContactKind? = nil, country: String? = nil, city: String? = nil, language: String? = nil,
                organization: String? = nil, tags: [String] = [], attributes: [String: String] = [:],
                consentGiven: Bool = false, evidence: String? = nil, warnings: [StaffMessage] = []) {
        self.row = row; self.address = address; self.name = name; self.addressedAs = addressedAs; self.honorific = honorific
        self.kind = kind; self.country = country; self.city = city; self.language = language; self.organization = organization
        self.tags = tags; self.attributes = attributes; self.consentGiven = consentGiven; self.evidence = evidence
        self.warnings = warnings
    }
}

/// What an import changed in the register.
package struct ImportCounts: Sendable, Equatable {
    package var added = 0, updated = 0, unchanged = 0
    /// Rows left alone because the address is suppressed or the person withdrew consent.
    package var suppressed = 0
    /// Rows that named a person an earlier row of the file named (the later row was taken whole),
    /// in the order of their matching keys.
    package var duplicates: [ImportDuplicate] = []
}

/// A row of a file that named the person an earlier row named: the later one is taken whole.
package struct ImportDuplicate: Sendable, Equatable {
    /// The address as the later row wrote it.
    package let email: String
    package let earlier: Int
    package let later: Int
}

/// One import, as the register keeps a record of it.
package struct ImportRun: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "import_runs"
    package var id: Int64?
    package var fileName: String
    package var fileSha256: String
    package var source: String
    package var rowsRead: Int
    package var added = 0, updated = 0, unchanged = 0
    package var duplicates: Int
    package var rejected: Int
    package var suppressed = 0
    package var startedAt: String
    package var finishedAt: String?

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    package init(fileName: String, fileSha256: String, source: String, rowsRead: Int, duplicates: Int, rejected: Int, startedAt: String) {
        self.fileName = fileName; self.fileSha256 = fileSha256; self.source = source; self.rowsRead = rowsRead
        self.duplicates = duplicates; self.rejected = rejected; self.startedAt = startedAt
    }

    mutating func record(_ counts: ImportCounts) {
        added = counts.added; updated = counts.updated; unchanged = counts.unchanged; suppressed = counts.suppressed
        finishedAt = Timestamp.string()
    }
}

extension Register {
    /// Folds a row into the contact the register already holds: the file's non-empty values win,
    /// tags and attributes are merged, and consent is granted if the row gives it (unless the
    /// person withdrew it: then nothing changes).
    static func merge(_ row: ImportedContact, into contact: Contact, db: Database, counts: inout ImportCounts,
                              source: String, actor: String, now: String, encoder: JSONEncoder) throws {
        let consent = contact.consentStatus
        if consent == .withdrawn { counts.suppressed += 1; return }
        var c = contact
        c.name = row.name ?? c.name
        c.addressedAs = row.addressedAs ?? c.addressedAs
        c.honorific = row.honorific ?? c.honorific
        c.kind = row.kind ?? c.kind
        c.country = row.country ?? c.country
        c.city = row.city ?? c.city
        c.language = row.language ?? c.language
        c.organization = row.organization ?? c.organization
        if !row.tags.isEmpty {
            var tags = c.tagList
            for tag in row.tags where !tags.contains(tag) { tags.append(tag) }
            c.tags = String(decoding: try encoder.encode(tags), as: UTF8.self)
        }
        if !row.attributes.isEmpty {
            var attributes = c.attributeMap
            attributes.merge(row.attributes) { _, new in new }
            c.attributes = String(decoding: try encoder.encode(attributes), as: UTF8.self)
        }
        var changed = false
        if c != contact {
            c.updatedAt = now
            try c.updateChanges(db, from: contact)
            changed = true
        }
        if row.consentGiven && consent != .granted {
            try ConsentLedger.append(db, contactID: c.id!, status: .granted, source: source, evidence: row.evidence,
                                     actor: actor, at: now)
            changed = true
        }
        if changed { counts.updated += 1 } else { counts.unchanged += 1 }
    }
}
