import Foundation
import GRDB

/// A person in the register.
public struct Contact: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "contacts"

    /// Who the person is to the city (the importer's `kind` column).
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case overseasVietnamese = "overseas_vietnamese"
        case foreignResident = "foreign_resident"
        case partner
        case other
    }

    public var id: Int64?
    public var email: String
    public var emailKey: String
    public var name: String
    public var addressedAs: String?
    public var honorific: String?
    public var kind: Kind
    public var country: String?
    public var city: String?
    public var language: String?
    public var organization: String?
    /// JSON array of strings.
    public var tags: String
    /// JSON object of the import's extra columns.
    public var attributes: String
    /// The status of the latest consent ledger row, written with it (`ConsentLedger.append`).
    public var consentStatus: String?
    /// Kept by triggers from the suppression list; never written by the code.
    public var suppressed: Bool
    public var createdAt: String
    public var updatedAt: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var address: EmailAddress { try! EmailAddress(email) }
    public var tagList: [String] { (try? JSONDecoder().decode([String].self, from: Data(tags.utf8))) ?? [] }
    public var attributeMap: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(attributes.utf8))) ?? [:]
    }
}

extension Contact {
    /// The columns `init(row:)` reads, in its order, for the table aliased `c`. A query selects
    /// these first; whatever it selects after them starts at index `Contact.columnCount`.
    public static let selection = "c.id, c.email, c.email_key, c.name, c.addressed_as, c.honorific, c.kind, c.country, "
        + "c.city, c.language, c.organization, c.tags, c.attributes, c.consent_status, c.suppressed, c.created_at, c.updated_at"
    public static let columnCount = selection.split(separator: ",").count

    /// Reads a row that starts with `selection`, by position: no Codable decoder and no column
    /// names to look up (the daemon reads one contact per message).
    public init(row: Row) throws {
        id = row[0]
        email = row[1]
        emailKey = row[2]
        name = row[3]
        addressedAs = row[4]
        honorific = row[5]
        kind = Kind(rawValue: row[6] ?? "other") ?? .other
        country = row[7]
        city = row[8]
        language = row[9]
        organization = row[10]
        tags = row[11]
        attributes = row[12]
        consentStatus = row[13]
        suppressed = row[14]
        createdAt = row[15]
        updatedAt = row[16]
    }

    /// A recipient the register does not hold (a test address), with nothing known but the address.
    public static func unregistered(_ address: EmailAddress) -> Contact {
        Contact(id: 0, email: address.value, emailKey: address.key, name: "", addressedAs: nil,
                honorific: nil, kind: .other, country: nil, city: nil, language: nil, organization: nil, tags: "[]",
                attributes: "{}", consentStatus: nil, suppressed: false, createdAt: "", updatedAt: "")
    }

    /// The contact whose address matches `email` (normalized), if any.
    public static func find(_ db: Database, email: String) throws -> Contact? {
        guard let address = try? EmailAddress(email) else { return nil }
        return try Contact.filter(Column("email_key") == address.key).fetchOne(db)
    }
}

/// Timestamps as the register writes them: ISO 8601, UTC, milliseconds.
public enum Timestamp {
    public static func string(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
    public static func milliseconds(_ date: Date = Date()) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
