import Foundation
import GRDB
import OutreachModel

/// The verbs behind the links in every message: what a token leads to, and the double opt-in.
extension Register {
    /// The contact a link names (nil once erased) and, when `withCampaign`, its campaign: one
    /// statement each, read without a transaction (each is consistent on its own).
    package func linkTarget(contactID: Int64, campaignID: Int64, withCampaign: Bool) async throws -> (Contact?, Campaign?) {
        try await dbWriter.unsafeRead { db in
            let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(Contact.selection) FROM contacts c WHERE c.id = ?"),
                                       arguments: [contactID])
            return (try row.map(Contact.init(row:)), withCampaign ? try Campaign.fetchOne(db, key: campaignID) : nil)
        }
    }

    /// The event revision of a campaign as the RSVP pages need it: its SEQUENCE and whether it is
    /// cancelled (nil: no such campaign). One indexed read.
    package func eventRevision(campaignID: Int64) async throws -> (sequence: Int, cancelled: Bool)? {
        try await dbWriter.unsafeRead { db in
            try Row.fetchOne(db, sql: "SELECT event_sequence, event_cancelled_at IS NOT NULL FROM campaigns WHERE id = ?",
                             arguments: [campaignID]).map { ($0[0], $0[1]) }
        }
    }

    /// The campaign's state now (nil when it is gone): pages cache a campaign's texts, never its state.
    package func campaignStatus(id: Int64) async throws -> Campaign.Status? {
        try await dbWriter.read { db in
            try String.fetchOne(db, sql: "SELECT status FROM campaigns WHERE id = ?", arguments: [id]).flatMap(Campaign.Status.init(rawValue:))
        }
    }

    /// When the link of `campaignID` reached `contactID`: the outbox row's send time, else (a test
    /// send, a message not sent yet) when the campaign was launched, else created. Confirm links
    /// expire counted from it. Nil when the campaign is gone.
    package func linkSentAt(campaignID: Int64, contactID: Int64) async throws -> Date? {
        try await dbWriter.read { db -> Date? in
            if let ms = try Int64.fetchOne(db, sql: "SELECT sent_at_ms FROM outbox WHERE campaign_id = ? AND contact_id = ?",
                                           arguments: [campaignID, contactID]) {
                return Date(timeIntervalSince1970: Double(ms) / 1000)
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT launched_at, created_at FROM campaigns WHERE id = ?", arguments: [campaignID])
            else { return nil }
            let text: String = (row["launched_at"] as String?) ?? row["created_at"]
            return Timestamp.date(text)
        }
    }

    /// Whether the contact has confirmed already: consent granted and no suppression.
    package func hasConfirmed(_ contact: Contact) async throws -> Bool {
        try await dbWriter.read { db in
            try ConsentLedger.current(db, contactID: contact.id!) == .granted && SuppressionList.entry(db, contact.address) == nil
        }
    }

    /// The person's own confirmed opt-in (the confirm link's POST): lifts only a suppression they
    /// made themselves (their own unsubscribe) and grants consent. A staff unsubscribe, a bounce
    /// or a complaint is not the person speaking through this link: then nothing changes and the
    /// answer is false. `source`: how the person confirmed (`link`, or `join`/an event's slug for
    /// a sign-up).
    package func confirmOptIn(_ contact: Contact, evidence: String, source: String = "link") async throws -> Bool {
        try await dbWriter.write { db -> Bool in
            if let entry = try SuppressionList.entry(db, contact.address) {
                guard entry.isOwnUnsubscribe else { return false }
                try SuppressionList.lift(db, contact.address)
            }
            if try ConsentLedger.current(db, contactID: contact.id!) != .granted {
                try ConsentLedger.record(db, contact: contact, status: .granted, source: source, evidence: evidence, actor: "recipient")
            }
            return true
        }
    }
}
