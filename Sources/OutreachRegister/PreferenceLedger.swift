import Foundation
import GRDB
import OutreachModel

/// One change a person made to their preferences (or staff for them): which field, from what to
/// what, how and when. Rows are only ever appended, like the consent ledger's.
package struct PreferenceChange: Codable, Sendable, Equatable {
    package let field: String
    package let oldValue: String?
    package let newValue: String?
    package let source: String
    package let evidence: String?
    package let actor: String
    package let recordedAt: String
}

/// What a person may change about themselves: each nil field stays as it is.
package struct PreferenceUpdate: Sendable, Equatable {
    package var language: String?
    /// The topics chosen (empty: every topic).
    package var topics: [String]?
    /// `YYYY-MM-DD`, or "" to end a pause.
    package var pausedUntil: String?
    /// Where the person is (their browser said so): the pause ends with its day there. Nil: in
    /// the office's time zone.
    package var pauseZone: TimeZone?
    package var name: String?
    package var addressedAs: String?
    package var kind: ContactKind?
    package var country: String?

    package init(language: String? = nil, topics: [String]? = nil, pausedUntil: String? = nil, name: String? = nil,
                addressedAs: String? = nil, kind: ContactKind? = nil, country: String? = nil, pauseZone: TimeZone? = nil) {
        self.language = language; self.topics = topics; self.pausedUntil = pausedUntil; self.pauseZone = pauseZone; self.name = name
        self.addressedAs = addressedAs; self.kind = kind; self.country = country
    }
}

/// Applies preference changes and appends their rows.
enum PreferenceLedger {
    /// Applies `update` to the contact in one transaction's `db`, one ledger row per field that
    /// really changes; returns the fields changed. A new pause ends with its day in the update's
    /// `pauseZone`, else in `officeZone`.
    static func apply(_ db: Database, contactID: Int64, _ update: PreferenceUpdate, source: String, evidence: String?,
                      actor: String, officeZone: TimeZone) throws -> [String] {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT language, topics, paused_until, name, addressed_as, kind, country FROM contacts WHERE id = ?
            """, arguments: [contactID]) else { return [] }
        let topicsJSON = update.topics.map { topics -> String in
            let sorted = Array(Set(topics)).sorted()
            return String(decoding: try! JSONEncoder().encode(sorted), as: UTF8.self)
        }
        func nonEmpty(_ s: String?) -> String?? { s.map { $0.isEmpty ? nil : $0 } }
        let wanted: [(field: String, column: String, value: String??)] = [
            ("language", "language", nonEmpty(update.language)),
            ("topics", "topics", topicsJSON.map { Optional($0) }),
            ("paused_until", "paused_until", nonEmpty(update.pausedUntil)),
            ("name", "name", update.name.map { Optional($0.precomposedStringWithCanonicalMapping) }),
            ("addressed_as", "addressed_as", nonEmpty(update.addressedAs?.precomposedStringWithCanonicalMapping)),
            ("kind", "kind", update.kind.map { Optional($0.rawValue) }),
            ("country", "country", nonEmpty(update.country?.uppercased())),
        ]
        let now = Timestamp.string()
        var changed: [String] = []
        for (field, column, value) in wanted {
            guard let value else { continue }
            let old: String? = row[column]
            // `name` is NOT NULL: an empty one is "".
            let new = column == "name" ? (value ?? "") : value
            guard old != new else { continue }
            try db.execute(sql: "UPDATE contacts SET \(column) = ?, updated_at = ? WHERE id = ?", arguments: [new, now, contactID])
            if column == "paused_until" {
                let ends = new.flatMap { PauseDate.end(of: $0, in: update.pauseZone ?? officeZone) }.map { Timestamp.milliseconds($0) }
                try db.execute(sql: "UPDATE contacts SET paused_until_ms = ? WHERE id = ?", arguments: [ends, contactID])
            }
            try db.execute(sql: """
                INSERT INTO preference_changes (contact_id, field, old_value, new_value, source, evidence, actor, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [contactID, field, old, new, source, evidence, actor, now])
            changed.append(field)
        }
        return changed
    }

    /// Every change of a contact, oldest first.
    static func history(_ db: Database, contactID: Int64) throws -> [PreferenceChange] {
        try Row.fetchAll(db, sql: """
            SELECT field, old_value, new_value, source, evidence, actor, recorded_at FROM preference_changes
            WHERE contact_id = ? ORDER BY id
            """, arguments: [contactID]).map {
            PreferenceChange(field: $0[0], oldValue: $0[1], newValue: $0[2], source: $0[3], evidence: $0[4], actor: $0[5], recordedAt: $0[6])
        }
    }
}

extension Register {
    /// Applies a person's own changes from the preference page (`source` says how, `evidence`
    /// from where), one ledger row per changed field, in one transaction; the fields changed.
    package func updatePreferences(contactID: Int64, _ update: PreferenceUpdate, source: String = "preferences",
                                  evidence: String?, actor: String = "recipient") async throws -> [String] {
        try await dbWriter.write { db in
            try PreferenceLedger.apply(db, contactID: contactID, update, source: source, evidence: evidence, actor: actor,
                                       officeZone: officeZone)
        }
    }

    /// The contact with id `contactID` as the preference page shows it (nil: erased).
    package func contact(id contactID: Int64) async throws -> Contact? {
        try await dbWriter.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Contact.selection) FROM contacts c WHERE c.id = ?", arguments: [contactID]).map(Contact.init(row:))
        }
    }
}
