import Foundation
import GRDB
import OutreachModel

/// An address that must never be mailed again. After an erasure only the hash is kept.
package struct Suppression: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "suppressions"
    /// Why it is suppressed, in its order of precedence (`SuppressionReason`).
    package typealias Reason = SuppressionReason

    package var id: Int64?
    package var addressHash: String
    package var email: String?
    /// The matching key of `email` (nil after an erasure): how the triggers find the contact.
    package var emailKey: String?
    package var reason: Reason
    package var detail: String?
    package var createdAt: String

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// The table's columns, for queries.
    package enum Columns {
        package static let addressHash = Column("address_hash")
    }

    /// Whether the person put themselves on the list (an unsubscribe link, one-click): the only
    /// suppression their own confirmed opt-in may lift. Staff unsubscribes are `staff` (an older
    /// version wrote them as `unsubscribed` with the detail `staff`: not the person's either).
    package var isOwnUnsubscribe: Bool { reason.isLiftedByOwnOptIn && detail != "staff" }
}

/// The suppression list. Suppression wins over everything but the person's own confirmed opt-in.
package enum SuppressionList {
    /// Puts `address` on the list, or gives an address already there the stronger of its reason
    /// and `reason` (`SuppressionReason`'s order: a complaint or a hard bounce after the person's
    /// own unsubscribe replaces it, so their old confirm link cannot lift it). Returns whether
    /// something changed (false: it was already there for as strong a reason).
    @discardableResult
    static func add(_ db: Database, _ address: EmailAddress, reason: Suppression.Reason, detail: String? = nil) throws -> Bool {
        let current = try db.cachedStatement(sql: "SELECT reason FROM suppressions WHERE address_hash = ?")
        if let stored = try String.fetchOne(current, arguments: [address.hash]) {
            // A reason this binary does not know is left alone (a newer version wrote it).
            guard let was = Suppression.Reason(rawValue: stored), was.isReplaced(by: reason) else { return false }
            let replace = try db.cachedStatement(sql: "UPDATE suppressions SET reason = ?, detail = ? WHERE address_hash = ?")
            try replace.execute(arguments: [reason.rawValue, detail, address.hash])
            return true
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO suppressions (address_hash, email, email_key, reason, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        let erased = reason == .erased
        try insert.execute(arguments: [address.hash, erased ? nil : address.value, erased ? nil : address.key,
                                       reason.rawValue, detail, Timestamp.string()])
        return true
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
