import Foundation
import GRDB
import OutreachModel

/// Everything the register holds about one person, as `contacts show` and `contacts export` print it.
package struct ContactProfile: Codable, Sendable {
    package struct LedgerRow: Codable, Sendable {
        package let status: String
        package let purpose: String
        package let source: String
        package let evidence: String?
        package let actor: String
        package let recordedAt: String
    }
    package struct Message: Codable, Sendable {
        package let campaign: String
        package let state: String
        package let attempts: Int
        package let lastReply: String?
        package let messageId: String?
    }
    package struct RSVP: Codable, Sendable {
        package let campaign: String
        package let answer: String
        package let guests: Int
        package let answeredAt: String
    }

    package let email: String
    package let name: String
    package let addressedAs: String?
    package let honorific: String?
    package let kind: String
    package let country: String?
    package let city: String?
    package let language: String?
    package let organization: String?
    package let tags: [String]
    /// The topics the person chose (empty: every topic) and the day a pause lasts until.
    package let topics: [String]
    package let pausedUntil: String?
    package let attributes: [String: String]
    package let consent: String
    package let suppressed: Bool
    package let suppressionReason: String?
    package let history: [LedgerRow]
    package let createdAt: String
    package let updatedAt: String
    /// Only in `contacts export`: the messages and RSVPs held for the person.
    package var messages: [Message]?
    package var rsvps: [RSVP]?
    /// Only in `contacts export`: every change the person made to their preferences.
    package var preferenceChanges: [PreferenceChange]?
}

/// What a contact command could not do.
package enum ContactCommandError: StaffFacingError {
    case notFound(String)
    case badAddress(String, EmailAddress.Problem)
    package var message: StaffMessage {
        switch self {
        case .notFound(let email): StaffMessage("contact.not_found", ["email": email])
        case .badAddress(let text, let problem): StaffMessage("contact.bad_address", ["text": text, "problem": problem])
        }
    }
}

extension Register {
    /// The contact whose address matches `email` (normalized), if the register holds one.
    package func contact(email: String) throws -> Contact? {
        try dbWriter.read { db in try Contact.find(db, email: email) }
    }

    /// Unsubscribes each of `requests` (address and evidence) as the recipient's own act, in one
    /// transaction; returns, for each, whether something changed (false: it was already done).
    package func unsubscribe(_ requests: [(address: EmailAddress, evidence: String)]) async throws -> [Bool] {
        try await dbWriter.write { db in
            try requests.map { r in
                try Register.unsubscribe(db, address: r.address, source: "link", evidence: r.evidence, actor: "recipient")
            }
        }
    }

    /// Unsubscribes the contacts that links name by id (each with its evidence) as their own act,
    /// in one transaction; returns, for each, the contact as the link's page shows it (nil: the
    /// register holds no such contact, e.g. erased) and whether something changed (false: it was
    /// already done, and nothing was written). The contact is read by the same transaction, so a
    /// one-click POST needs no read of its own.
    public func unsubscribe(contacts requests: [(contactID: Int64, evidence: String)]) async throws -> [(contact: Contact?, changed: Bool)] {
        try await dbWriter.write { db in
            let find = try db.cachedStatement(sql: "SELECT \(Contact.selection) FROM contacts c WHERE c.id = ?")
            return try requests.map { r in
                guard let row = try Row.fetchOne(find, arguments: [r.contactID]) else { return (nil, false) }
                let contact = try Contact(row: row)
                if contact.suppressed && contact.consentStatus == .withdrawn { return (contact, false) }
                return (contact, try Register.unsubscribe(db, address: contact.address, source: "link", evidence: r.evidence, actor: "recipient"))
            }
        }
    }

    /// Why `address` must not be mailed, if it is on the suppression list (nil: it is not).
    package func suppressionReason(of address: EmailAddress) throws -> Suppression.Reason? {
        try dbWriter.read { db in try SuppressionList.entry(db, address)?.reason }
    }

    /// Puts `address` on the suppression list without touching consent (a hard bounce, a relay's
    /// verdict); an address already there keeps its first reason. True when it was added.
    @discardableResult
    package func suppress(_ address: EmailAddress, reason: Suppression.Reason, detail: String? = nil) throws -> Bool {
        try dbWriter.write { db in try SuppressionList.add(db, address, reason: reason, detail: detail) }
    }

    /// Contacts in `segment`, by address, with their current consent and suppression.
    package func contacts(in segment: Segment) throws -> [(contact: Contact, consent: String, suppressed: Bool)] {
        let (condition, arguments) = segment.sql(invitationID: nil)
        return try dbWriter.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Contact.selection), \(ConsentLedger.currentStatusSQL) AS current_consent, \(SuppressionList.suppressedSQL) AS is_suppressed
                FROM contacts c WHERE \(condition) ORDER BY c.email_key
                """, arguments: arguments)
            return try rows.map { row in
                (try Contact(row: row), (row["current_consent"] as String?) ?? "none", row["is_suppressed"] as Bool)
            }
        }
    }

    /// The profile of the contact with address `email`.
    package func profile(email: String, full: Bool = false) throws -> ContactProfile {
        let address: EmailAddress
        do { address = try EmailAddress(email) } catch { throw ContactCommandError.badAddress(email, error) }
        return try dbWriter.read { db in
            guard let c = try Contact.filter(Contact.Columns.emailKey == address.key).fetchOne(db) else {
                throw ContactCommandError.notFound(address.value)
            }
            let history = try ConsentLedger.history(db, contactID: c.id!)
            let suppression = try SuppressionList.entry(db, address)
            var profile = ContactProfile(
                email: c.email, name: c.name, addressedAs: c.addressedAs, honorific: c.honorific, kind: c.kind.rawValue,
                country: c.country, city: c.city, language: c.language, organization: c.organization,
                tags: c.tagList, topics: c.topicList, pausedUntil: c.pausedUntil, attributes: c.attributeMap, consent: history.last?.status.rawValue ?? "none",
                suppressed: suppression != nil, suppressionReason: suppression?.reason.rawValue,
                history: history.map { .init(status: $0.status.rawValue, purpose: $0.purpose, source: $0.source, evidence: $0.evidence, actor: $0.actor, recordedAt: $0.recordedAt) },
                createdAt: c.createdAt, updatedAt: c.updatedAt)
            if full {
                profile.messages = try Row.fetchAll(db, sql: """
                    SELECT k.slug, o.state, o.attempts, o.last_reply, o.message_id FROM outbox o JOIN campaigns k ON k.id = o.campaign_id
                    WHERE o.contact_id = ? ORDER BY o.queued_at_ms
                    """, arguments: [c.id]).map { .init(campaign: $0[0], state: $0[1], attempts: $0[2], lastReply: $0[3], messageId: $0[4]) }
                profile.rsvps = try Row.fetchAll(db, sql: """
                    SELECT k.slug, r.answer, r.guests, r.answered_at FROM rsvps r JOIN campaigns k ON k.id = r.campaign_id
                    WHERE r.contact_id = ? ORDER BY r.id
                    """, arguments: [c.id]).map { .init(campaign: $0[0], answer: $0[1], guests: $0[2], answeredAt: $0[3]) }
                profile.preferenceChanges = try PreferenceLedger.history(db, contactID: c.id!)
            }
            return profile
        }
    }

    /// Withdraws consent and suppresses the address. Harmless when repeated.
    /// Works on an address the register does not hold too: it is suppressed all the same.
    @discardableResult
    package func unsubscribe(email: String, source: String, evidence: String?, actor: String,
                            reason: Suppression.Reason = .unsubscribed) throws -> Bool {
        let address: EmailAddress
        do { address = try EmailAddress(email) } catch { throw ContactCommandError.badAddress(email, error) }
        return try dbWriter.write { db in try Register.unsubscribe(db, address: address, source: source, evidence: evidence, actor: actor, reason: reason) }
    }

    /// Inside a transaction: a `withdrawn` ledger row (unless already withdrawn) and a suppression entry.
    /// Cached statements only: this runs for every one-click unsubscribe.
    @discardableResult
    static func unsubscribe(_ db: Database, address: EmailAddress, source: String, evidence: String?, actor: String,
                                   reason: Suppression.Reason = .unsubscribed) throws -> Bool {
        var changed = false
        let now = Timestamp.string()
        let find = try db.cachedStatement(sql: "SELECT id, consent_status FROM contacts WHERE email_key = ?")
        if let row = try Row.fetchOne(find, arguments: [address.key]), (row["consent_status"] as String?) != "withdrawn" {
            try ConsentLedger.append(db, contactID: row["id"], status: .withdrawn, source: source, evidence: evidence,
                                     actor: actor, at: now)
            changed = true
        }
        if try SuppressionList.add(db, address, reason: reason, detail: source) { changed = true }
        return changed
    }

    /// Erases everything held about the person but the hash of the address (on the suppression
    /// list, so no import brings them back) and one ledger row saying the erasure happened.
    package func forget(email: String, actor: String) throws {
        let address: EmailAddress
        do { address = try EmailAddress(email) } catch { throw ContactCommandError.badAddress(email, error) }
        try dbWriter.write { db in
            let contact = try Contact.filter(Contact.Columns.emailKey == address.key).fetchOne(db)
            let suppressedBefore = try SuppressionList.contains(db, address)
            guard contact != nil || suppressedBefore else {
                throw ContactCommandError.notFound(address.value)
            }
            if let contact { try contact.delete(db) }  // cascades to its ledger rows, RSVPs, bounces
            try db.execute(sql: "DELETE FROM bounces WHERE recipient = ? COLLATE NOCASE", arguments: [address.value])
            try SignupRequests.erase(db, address)
            try db.execute(sql: "DELETE FROM suppressions WHERE address_hash = ?", arguments: [address.hash])
            try SuppressionList.add(db, address, reason: .erased)
            try db.execute(sql: """
                INSERT INTO consents (contact_id, address_hash, status, purpose, source, evidence, actor, recorded_at)
                VALUES (NULL, ?, 'withdrawn', ?, 'staff', 'erased on request; only the address hash is kept', ?, ?)
                """, arguments: [address.hash, Consent.invitationPurpose, actor, Timestamp.string()])
        }
    }
}
