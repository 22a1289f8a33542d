import Foundation
import GRDB
import OutreachModel

/// A person in the register.
package struct Contact: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "contacts"

    /// Who the person is to the city (the importer's `kind` column).
    package typealias Kind = ContactKind

    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column("id")
        package static let emailKey = Column("email_key")
    }

    package var id: Int64?
    package var email: String
    package var emailKey: String
    package var name: String
    package var addressedAs: String?
    package var honorific: String?
    package var kind: Kind
    package var country: String?
    package var city: String?
    package var language: String?
    package var organization: String?
    /// JSON array of strings.
    package var tags: String
    /// JSON object of the import's extra columns.
    package var attributes: String
    /// The status of the latest consent ledger row, written with it (`ConsentLedger.append`).
    package var consentStatus: ConsentStatus?
    /// Kept by triggers from the suppression list; never written by the code.
    package var suppressed: Bool
    package var createdAt: String
    package var updatedAt: String
    /// JSON array of the topics the person chose (`signup-v1`); empty: every topic.
    package var topics: String = "[]"
    /// The day (`YYYY-MM-DD`) until which the person asked for no invitations; nil: not paused.
    package var pausedUntil: String?
    /// For a reminder or notice being sent: the person's answer to the invitation (`yes`, `no`),
    /// read with the contact right before sending. Not a column.
    package var invitationAnswer: String?
    /// For a reminder's recipients: the tickets they hold for the invitation (`Recipient.tickets`).
    package var tickets: Int? = nil

    enum CodingKeys: String, CodingKey {
        case id, email, emailKey, name, addressedAs, honorific, kind, country, city, language, organization, tags,
             attributes, consentStatus, suppressed, createdAt, updatedAt, topics, pausedUntil
    }

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The person's address. One stored before today's stricter validator refuses it still
    /// names them (their links keep working); delivery checks it again and skips it.
    package var address: EmailAddress {
        (try? EmailAddress(email)) ?? EmailAddress(stored: email, key: emailKey)
    }
    /// What composing a message needs of this person.
    package var recipient: Recipient {
        var r = Recipient(id: id ?? 0, email: email, name: name, addressedAs: addressedAs, honorific: honorific, kind: kind,
                          country: country, city: city, language: language, organization: organization,
                          invitationAnswer: invitationAnswer)
        r.tickets = tickets
        return r
    }
    /// The topics the person chose (empty: every topic).
    package var topicList: [String] { (try? JSONDecoder().decode([String].self, from: topics.data(using: .utf8) ?? Data())) ?? [] }
    package var tagList: [String] { (try? JSONDecoder().decode([String].self, from: tags.data(using: .utf8) ?? Data())) ?? [] }
    package var attributeMap: [String: String] {
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
    package init(row: Row) throws {
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
