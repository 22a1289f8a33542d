import Foundation
import GRDB
import OutreachModel

/// An address that must never be mailed again. After an erasure only the hash is kept.
public struct Suppression: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "suppressions"
    public enum Reason: String, Codable, Sendable, CaseIterable {
        case unsubscribed, hardBounce = "hard-bounce", complaint, erased, staff
        /// Soft bounces in 3 of the contact's last 5 sends: the address no longer takes mail.
        case unreachable
    }

    public var id: Int64?
    public var addressHash: String
    public var email: String?
    /// The matching key of `email` (nil after an erasure): how the triggers find the contact.
    public var emailKey: String?
    public var reason: Reason
    public var detail: String?
    public var createdAt: String

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The table's columns, for queries.
    public enum Columns {
        public static let addressHash = Column("address_hash")
    }

    /// Whether the person put themselves on the list (an unsubscribe link, one-click): the only
    /// suppression their own confirmed opt-in may lift. Staff unsubscribes are `staff`.
    public var isOwnUnsubscribe: Bool { reason == .unsubscribed && detail != "staff" }
}

/// The suppression list. Suppression wins over everything but the person's own confirmed opt-in.
public enum SuppressionList {
    /// Puts `address` on the list; an address already there keeps its first reason, except that
    /// a staff unsubscribe replaces the person's own (which their opt-in could lift; staff's cannot).
    /// Returns whether it was added (false: it was already there).
    @discardableResult
    static func add(_ db: Database, _ address: EmailAddress, reason: Suppression.Reason, detail: String? = nil) throws -> Bool {
        let insert = try db.cachedStatement(sql: """
            INSERT INTO suppressions (address_hash, email, email_key, reason, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(address_hash) DO NOTHING
            """)
        let erased = reason == .erased
        try insert.execute(arguments: [address.hash, erased ? nil : address.value, erased ? nil : address.key,
                                       reason.rawValue, detail, Timestamp.string()])
        let added = db.changesCount > 0
        if !added, reason == .staff {
            try db.execute(sql: "UPDATE suppressions SET reason = 'staff', detail = ? WHERE address_hash = ? AND reason = 'unsubscribed'",
                           arguments: [detail, address.hash])
        }
        return added
    }

    /// The entry for `address`, if suppressed.
    static func entry(_ db: Database, _ address: EmailAddress) throws -> Suppression? {
        try Suppression.filter(Suppression.Columns.addressHash == address.hash).fetchOne(db)
    }

    static func contains(_ db: Database, _ address: EmailAddress) throws -> Bool {
        try entry(db, address) != nil
    }

    /// Lifts a suppression: only the person's own confirmed opt-in may call this.
    static func lift(_ db: Database, _ address: EmailAddress) throws {
        try db.execute(sql: "DELETE FROM suppressions WHERE address_hash = ?", arguments: [address.hash])
    }

    /// Every suppressed hash, for bulk checks (imports).
    static func allHashes(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT address_hash FROM suppressions"))
    }

    /// SQL that is true when the contact aliased `c` is suppressed.
    /// (`contacts.suppressed` is kept by triggers on the suppression list.)
    static let suppressedSQL = "c.suppressed = 1"
}
