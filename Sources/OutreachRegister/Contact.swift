import Foundation
import GRDB
import OutreachModel

/// A person in the register.
public struct Contact: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "contacts"

    /// Who the person is to the city (the importer's `kind` column).
    public typealias Kind = ContactKind

    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column("id")
        public static let emailKey = Column("email_key")
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
    public var consentStatus: ConsentStatus?
    /// Kept by triggers from the suppression list; never written by the code.
    public var suppressed: Bool
    public var createdAt: String
    public var updatedAt: String
    /// JSON array of the topics the person chose (`signup-v1`); empty: every topic.
    public var topics: String = "[]"
    /// The day (`YYYY-MM-DD`) until which the person asked for no invitations; nil: not paused.
    public var pausedUntil: String?
    /// For a reminder or notice being sent: the person's answer to the invitation (`yes`, `no`),
    /// read with the contact right before sending. Not a column.
    public var invitationAnswer: String?

    enum CodingKeys: String, CodingKey {
        case id, email, emailKey, name, addressedAs, honorific, kind, country, city, language, organization, tags,
             attributes, consentStatus, suppressed, createdAt, updatedAt, topics, pausedUntil
    }

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public var address: EmailAddress { try! EmailAddress(email) }
    /// What composing a message needs of this person.
    public var recipient: Recipient {
        Recipient(id: id ?? 0, email: email, name: name, addressedAs: addressedAs, honorific: honorific, kind: kind,
                  country: country, city: city, language: language, organization: organization,
                  invitationAnswer: invitationAnswer)
    }
    /// The topics the person chose (empty: every topic).
    public var topicList: [String] { (try? JSONDecoder().decode([String].self, from: topics.data(using: .utf8) ?? Data())) ?? [] }
    public var tagList: [String] { (try? JSONDecoder().decode([String].self, from: tags.data(using: .utf8) ?? Data())) ?? [] }
    public var attributeMap: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: attributes.data(using: .utf8) ?? Data())) ?? [:]
    }
}

extension Contact {
    /// The columns `init(row:)` reads, in its order, for the table aliased `c`. A query selects
    /// these first; whatever it selects after them starts at index `Contact.columnCount`.
    static let selection = "c.id, c.email, c.email_key, c.name, c.addressed_as, c.honorific, c.kind, c.country, "
        + "c.city, c.language, c.organization, c.tags, c.attributes, c.consent_status, c.suppressed, c.created_at, c.updated_at, "
        + "c.topics, c.paused_until"
    static let columnCount = selection.split(separator: ",").count

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
        consentStatus = (row[13] as String?).flatMap(ConsentStatus.init(rawValue:))
        suppressed = row[14]
        createdAt = row[15]
        updatedAt = row[16]
        topics = row[17]
        pausedUntil = row[18]
    }

    /// The contact whose address matches `email` (normalized), if any.
    static func find(_ db: Database, email: String) throws -> Contact? {
        guard let address = try? EmailAddress(email) else { return nil }
        return try Contact.filter(Columns.emailKey == address.key).fetchOne(db)
    }
}
