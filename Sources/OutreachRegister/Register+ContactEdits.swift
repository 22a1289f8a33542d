import Foundation
import GRDB
import OutreachModel

/// Fields staff give for one contact (`contacts add`, `contacts edit`); nil leaves a field as it is.
package struct ContactFields: Sendable {
    package var name, addressedAs, honorific, language, country, city: String?
    package var kind: ContactKind?
    /// Tags to add and to remove (`--tag +x`, `--tag -y`; `contacts add` only adds).
    package var addedTags: [String] = []
    package var removedTags: [String] = []
    package init() {}
}

/// What `contacts add` or `contacts edit` could not do; nothing was changed.
package enum ContactEditError: StaffFacingError {
    /// `add` of an address the register holds.
    case exists(String)
    /// The address (new, or given to `add`) is suppressed: it is never mailed, so not taken.
    case suppressed(String, reason: String)
    /// `edit --email` onto an address another contact has.
    case addressTaken(String)
    package var message: StaffMessage {
        switch self {
        case .exists(let email): StaffMessage("contact.exists", ["email": email])
        case .suppressed(let email, let reason): StaffMessage("contact.suppressed", ["email": email, "reason": reason])
        case .addressTaken(let email): StaffMessage("contact.address_taken", ["email": email])
        }
    }
}

extension Register {
    /// Adds one contact. Its first ledger row is `granted` with `consentSource` as the evidence,
    /// else `pending`. A suppressed address is refused (suppression wins).
    package func addContact(_ address: EmailAddress, fields: ContactFields, consentSource: String?, actor: String) throws {
        try dbWriter.write { db in
            if try Contact.filter(Contact.Columns.emailKey == address.key).fetchOne(db) != nil { throw ContactEditError.exists(address.value) }
            if let entry = try SuppressionList.entry(db, address) { throw ContactEditError.suppressed(address.value, reason: entry.reason.rawValue) }
            let now = Timestamp.string()
            let tags = String(decoding: try JSONEncoder().encode(fields.addedTags), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO contacts (email, email_key, name, addressed_as, honorific, kind, country, city, language, tags, attributes,
                                      suppressed, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', 0, ?, ?)
                """, arguments: [address.value, address.key, fields.name ?? "", fields.addressedAs, fields.honorific,
                                 (fields.kind ?? .other).rawValue, fields.country, fields.city, fields.language, tags, now, now])
            try ConsentLedger.append(db, contactID: db.lastInsertedRowID, status: consentSource == nil ? .pending : .granted,
                                     source: "staff:add", evidence: consentSource, actor: actor, at: now)
        }
    }

    /// Changes one contact's fields and, with `newAddress`, its address. The person's consent
    /// history stays theirs; every change appends a ledger row (its current consent, source
    /// `staff:edit` or `staff:address`, the change as evidence: `old → new`). The old address's
    /// suppression stays; a suppressed or taken new address is refused. Returns the changes.
    @discardableResult
    package func editContact(_ address: EmailAddress, fields: ContactFields, newAddress: EmailAddress?, actor: String) throws -> [String] {
        try dbWriter.write { db in
            guard var c = try Contact.filter(Contact.Columns.emailKey == address.key).fetchOne(db) else {
                throw ContactCommandError.notFound(address.value)
            }
            let now = Timestamp.string()
            let status = c.consentStatus ?? .pending
            var changes: [String] = []
            func set(_ label: String, _ value: String?, _ field: WritableKeyPath<Contact, String?>) {
                guard let value, value != c[keyPath: field] else { return }
                changes.append("\(label): \(c[keyPath: field] ?? "") → \(value)"); c[keyPath: field] = value
            }
            if let name = fields.name, name != c.name { changes.append("name: \(c.name) → \(name)"); c.name = name }
            set("addressed_as", fields.addressedAs, \.addressedAs)
            set("honorific", fields.honorific, \.honorific)
            set("language", fields.language, \.language)
            set("country", fields.country, \.country)
            set("city", fields.city, \.city)
            if let kind = fields.kind, kind != c.kind { changes.append("kind: \(c.kind.rawValue) → \(kind.rawValue)"); c.kind = kind }
            var tags = c.tagList
            let before = tags
            tags.removeAll { fields.removedTags.contains($0) }
            for t in fields.addedTags where !tags.contains(t) { tags.append(t) }
            if tags != before {
                changes.append("tags: \(before.joined(separator: "|")) → \(tags.joined(separator: "|"))")
                c.tags = String(decoding: try JSONEncoder().encode(tags), as: UTF8.self)
            }
            if !changes.isEmpty {
                c.updatedAt = now
                try c.update(db)
                try ConsentLedger.append(db, contactID: c.id!, status: status, source: "staff:edit",
                                         evidence: changes.joined(separator: "; "), actor: actor, at: now)
            }
            if let new = newAddress, new.value != c.email {
                if new.key != c.emailKey, try Contact.filter(Contact.Columns.emailKey == new.key).fetchOne(db) != nil {
                    throw ContactEditError.addressTaken(new.value)
                }
                if let entry = try SuppressionList.entry(db, new) { throw ContactEditError.suppressed(new.value, reason: entry.reason.rawValue) }
                let change = "\(c.email) → \(new.value)"
                try db.execute(sql: "UPDATE contacts SET email = ?, email_key = ?, suppressed = 0, updated_at = ? WHERE id = ?",
                               arguments: [new.value, new.key, now, c.id])
                try ConsentLedger.append(db, contactID: c.id!, status: status, source: "staff:address", evidence: change, actor: actor, at: now)
                changes.append("email: \(change)")
            }
            return changes
        }
    }
}
