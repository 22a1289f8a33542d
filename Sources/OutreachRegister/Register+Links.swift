import Foundation
import GRDB
import OutreachModel

/// The verbs behind the links in every message: what a token leads to, and the double opt-in.
extension Register {
    /// The contact a link names (nil once erased) and, when `withCampaign`, its campaign: one
    /// statement each, read without a transaction (each is consistent on its own).
    public func linkTarget(contactID: Int64, campaignID: Int64, withCampaign: Bool) async throws -> (Contact?, Campaign?) {
        try await dbWriter.unsafeRead { db in
            let row = try Row.fetchOne(try db.cachedStatement(sql: "SELECT \(Contact.selection) FROM contacts c WHERE c.id = ?"),
                                       arguments: [contactID])
            return (try row.map(Contact.init(row:)), withCampaign ? try Campaign.fetchOne(db, key: campaignID) : nil)
        }
    }

    /// The event revision of a campaign as the RSVP pages need it: its SEQUENCE and whether it is
    /// cancelled (nil: no such campaign). One indexed read.
    public func eventRevision(campaignID: Int64) async throws -> (sequence: Int, cancelled: Bool)? {
        try await dbWriter.unsafeRead { db in
            try Row.fetchOne(db, sql: "SELECT event_sequence, event_cancelled_at IS NOT NULL FROM campaigns WHERE id = ?",
                             arguments: [campaignID]).map { ($0[0], $0[1]) }
        }
    }

    /// Whether the contact has confirmed already: consent granted and no suppression.
    public func hasConfirmed(_ contact: Contact) async throws -> Bool {
        try await dbWriter.read { db in
            try ConsentLedger.current(db, contactID: contact.id!) == .granted && SuppressionList.entry(db, contact.address) == nil
        }
    }

    /// The person's own confirmed opt-in (the confirm link's POST): lifts a suppression they made
    /// themselves and grants consent. A bounce or a complaint is not the person speaking: then
    /// nothing changes and the answer is false.
    public func confirmOptIn(_ contact: Contact, evidence: String) async throws -> Bool {
        try await dbWriter.write { db -> Bool in
            if let entry = try SuppressionList.entry(db, contact.address) {
                guard entry.reason == .unsubscribed || entry.reason == .staff else { return false }
                try SuppressionList.lift(db, contact.address)
            }
            if try ConsentLedger.current(db, contactID: contact.id!) != .granted {
                try ConsentLedger.record(db, contact: contact, status: .granted, source: "link", evidence: evidence, actor: "recipient")
            }
            return true
        }
    }
}
