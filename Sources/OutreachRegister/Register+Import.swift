import Foundation
import GRDB
import OutreachModel

/// One person read from a contact file, validated, ready to merge into the register (the
/// importer makes them; `Register.importContacts` writes them).
public struct ImportedContact: Sendable {
    public var row: Int
    public var address: EmailAddress
    public var name: String?
    public var addressedAs: String?
    public var honorific: String?
    public var kind: ContactKind?
    public var country: String?
    public var city: String?
    public var language: String?
    public var organization: String?
    public var tags: [String]
    public var attributes: [String: String]
    public var consentGiven: Bool
    /// True when the file says yes or no to consent for this row (not when it says nothing).
    public var consentStated = false
    public var evidence: String?
    public var warnings: [StaffMessage]

    public init(row: Int, address: EmailAddress, name: String? = nil, addressedAs: String? = nil, honorific: String? = nil,
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
public struct ImportCounts: Sendable, Equatable {
    public var added = 0, updated = 0, unchanged = 0
    /// Rows left alone because the address is suppressed or the person withdrew consent.
    public var suppressed = 0
    /// Rows that named a person an earlier row of the file named (the later row was taken whole),
    /// in the order of their matching keys.
    public var duplicates: [ImportDuplicate] = []
}

/// A row of a file that named the person an earlier row named: the later one is taken whole.
public struct ImportDuplicate: Sendable, Equatable {
    /// The address as the later row wrote it.
    public let email: String
    public let earlier: Int
    public let later: Int
}

/// One import, as the register keeps a record of it.
public struct ImportRun: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "import_runs"
    public var id: Int64?
    public var fileName: String
    public var fileSha256: String
    public var source: String
    public var rowsRead: Int
    public var added = 0, updated = 0, unchanged = 0
    public var duplicates: Int
    public var rejected: Int
    public var suppressed = 0
    public var startedAt: String
    public var finishedAt: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(fileName: String, fileSha256: String, source: String, rowsRead: Int, duplicates: Int, rejected: Int, startedAt: String) {
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
