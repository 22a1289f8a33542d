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
    /// Read by column name without Codable's decoder: the daemon reads one contact per message.
    public init(row: Row) throws {
        id = row["id"]
        email = row["email"]
        emailKey = row["email_key"]
        name = row["name"]
        addressedAs = row["addressed_as"]
        honorific = row["honorific"]
        kind = Kind(rawValue: row["kind"] ?? "other") ?? .other
        country = row["country"]
        city = row["city"]
        language = row["language"]
        organization = row["organization"]
        tags = row["tags"]
        attributes = row["attributes"]
        consentStatus = row["consent_status"]
        suppressed = row["suppressed"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
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
