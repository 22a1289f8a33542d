import Foundation
import GRDB
import OutreachModel

/// A campaign: a template (frozen at creation), an optional event, a segment, and its state.
public struct Campaign: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "campaigns"
    public enum Status: String, Codable, Sendable, CaseIterable { case draft, scheduled, running, paused, cancelled, finished }

    public var id: Int64?
    public var slug: String
    public var templateName: String
    public var purpose: CampaignPurpose
    /// JSON of the template's texts as they were when the campaign was created (Compose reads it).
    public var templateSnapshot: String
    public var eventFile: String?
    /// JSON of the `Event`, if any.
    public var eventSnapshot: String?
    public var segment: String
    public var subject: String?
    public var status: Status
    public var scheduledAtMs: Int64?
    public var createdAt: String
    public var launchedAt: String?
    public var finishedAt: String?
    /// Why the daemon paused it (the relay's words and what to change); nil otherwise.
    public var pauseReason: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, for queries.
    public enum Columns {
        public static let id = Column("id")
        public static let slug = Column("slug")
        public static let status = Column("status")
    }

    /// A new draft, not yet in the register (`Register.insert(_:)` stores it).
    public init(slug: String, templateName: String, purpose: CampaignPurpose, templateSnapshot: String,
                eventFile: String?, eventSnapshot: String?, segment: String, subject: String?, createdAt: String) {
        self.slug = slug; self.templateName = templateName; self.purpose = purpose; self.templateSnapshot = templateSnapshot
        self.eventFile = eventFile; self.eventSnapshot = eventSnapshot; self.segment = segment; self.subject = subject
        self.status = .draft; self.createdAt = createdAt
    }

    /// The event as frozen at creation. A snapshot from before schedules were stored gets its
    /// schedule worked out here, once, not at every use.
    public var event: Event? {
        get throws {
            guard let eventSnapshot else { return nil }
            var event = try JSONDecoder().decode(Event.self, from: Data(eventSnapshot.utf8))
            if event.schedule == nil { event.schedule = try event.makeSchedule(languages: Event.writtenLanguages) }
            return event
        }
    }

    /// The campaign called `slug`, or an error naming it.
    static func named(_ slug: String, _ db: Database) throws -> Campaign {
        guard let c = try Campaign.filter(Columns.slug == slug).fetchOne(db) else { throw CampaignError.unknownCampaign(slug) }
        return c
    }
}

/// What a campaign command could not do, in words staff can act on.
public enum CampaignError: Error, CustomStringConvertible {
    case unknownCampaign(String)
    case slugTaken(String)
    case badSlug(String)
    case badState(String, Campaign.Status, String)
    case noRecipient(String)
    public var description: String {
        switch self {
        case .unknownCampaign(let slug): "no campaign \"\(slug)\""
        case .slugTaken(let slug): "a campaign \"\(slug)\" already exists"
        case .badSlug(let slug): "\"\(slug)\" is not a slug (lower-case letters, digits and -)"
        case .badState(let slug, let status, let action): "campaign \(slug) is \(status.rawValue): cannot \(action)"
        case .noRecipient(let what): what
        }
    }
}
