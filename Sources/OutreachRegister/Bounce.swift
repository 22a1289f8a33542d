import Foundation
import GRDB
import Metrics
import OutreachModel

/// One thing the bounce mailbox (or a relay, refusing a recipient while sending) said about a
/// message: what it was, whom and which campaign it was about, and what it changed.
package struct Bounce: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "bounces"

    /// What a report means for the person it is about.
    package enum Kind: String, Codable, Sendable, CaseIterable {
        /// 5.1.x: the mailbox or domain does not exist. Suppressed at once.
        case hard
        /// 4.x.x, `Action: delayed`, or another failure that may pass. Counted: 3 in the
        /// contact's last 5 sends suppress the address as unreachable.
        case soft
        /// 5.7.x: refused by the receiver's policy (spam filter, blocklist). Recorded only: it is
        /// about our reputation, not the address.
        case policy
        /// A feedback report (RFC 5965, "this is spam"): consent withdrawn, address suppressed.
        case complaint
        /// An out-of-office or other automatic answer: changes nothing.
        case autoReply = "auto-reply"
        /// A mail to the List-Unsubscribe mailto: the person is unsubscribed.
        case unsubscribe
        /// A report that needs nothing (delivered, relayed, a not-spam feedback).
        case other
        /// A report we cannot tie to a message we sent (no genuine token, no known Message-ID):
        /// changes nothing, and stays in the mailbox for staff.
        case unmatched
        /// Not a mail message at all: kept in the mailbox for staff.
        case unreadable

        /// Whether the mailbox message is done with once recorded (moved away or deleted).
        /// The others stay in the mailbox for a person to read.
        package var isHandled: Bool { self != .unmatched && self != .unreadable }
    }

    /// Where the verdict came from.
    package enum Source: String, Codable, Sendable {
        /// A report read from the bounce mailbox.
        case mailbox
        /// A relay refused the recipient while we were sending (5xx to RCPT TO).
        case smtp
    }

    package var id: Int64?
    package var receivedAt: String
    package var source: Source
    package var kind: Kind
    /// The enhanced status code (`5.1.1`).
    package var status: String?
    /// The report's `Action` (failed, delayed, …) or an ARF `Feedback-Type`.
    package var action: String?
    /// The remote server's words (`Diagnostic-Code`, the SMTP reply).
    package var diagnostic: String?
    /// The address the report is about, as the report names it.
    package var recipient: String?
    package var contactId: Int64?
    package var campaignId: Int64?
    /// How the report was tied to a message: `token` (the signed VERP address) or `message-id`.
    package var matchedBy: String?
    /// What recording it changed, in words (`suppressed`, `unreachable after 3 of 5`, …).
    package var outcome: String
    /// The mailbox the report was read from (`bounces.mailbox_url`), its UIDVALIDITY and the
    /// message's UID there: together, which mailbox message it was (nil: a refusal while sending).
    package var mailboxUrl: String?
    package var mailboxUidValidity: Int64?
    package var mailboxUid: Int64?

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// A verdict to record (`outcome` is filled in by `Register.record(_:uidValidity:uid:)`).
    package init(source: Source, kind: Kind, status: String? = nil, action: String? = nil, diagnostic: String? = nil,
                recipient: String? = nil, contactId: Int64? = nil, campaignId: Int64? = nil, matchedBy: String? = nil) {
        self.receivedAt = Timestamp.string()
        self.source = source; self.kind = kind; self.status = status; self.action = action; self.diagnostic = diagnostic
        self.recipient = recipient; self.contactId = contactId; self.campaignId = campaignId; self.matchedBy = matchedBy
        self.outcome = ""
    }

    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column("id")
        package static let contactId = Column("contact_id")
    }

    /// The kind of a failure report by its enhanced status and `Action`, the one policy for
    /// reports from the mailbox and for refusals of a recipient while sending:
    /// `delayed` or 4.x.x → soft; 5.1.x (but 5.1.7 and 5.1.8, about the sender) → hard;
    /// 5.7.x, 5.1.7, 5.1.8 → policy; any other 5.x.x (a full mailbox, a routing failure) → soft,
    /// because it often passes, and three of them in five sends still suppress the address.
    /// Delivered, relayed and expanded reports → other.
    package static func kind(status: String?, action: String?) -> Kind {
        switch action?.lowercased() {
        case "delivered", "relayed", "expanded": return .other
        case "delayed": return .soft
        default: break
        }
        guard let status, let first = status.first else { return .soft }
        if first == "2" { return .other }
        if first == "4" { return .soft }
        if status.hasPrefix("5.7.") || status == "5.1.7" || status == "5.1.8" { return .policy }
        if status.hasPrefix("5.1.") { return .hard }
        return .soft
    }

    /// `outreach_bounces_total{kind}`: every bounce recorded, from the mailbox or while sending.
    static func counter(_ kind: Kind) -> Counter { Counter(label: "outreach_bounces_total", dimensions: [("kind", kind.rawValue)]) }

    /// How many soft bounces among a contact's last sends make the address unreachable (Keila's rule).
    package static let softBounceLimit = (bounces: 3, sends: 5)
}

/// A row of `bounces list`: a bounce with the names a person reads.
package struct BounceListing: Sendable, Codable, Equatable {
    package let receivedAt: String
    package let contact: String?
    package let campaign: String?
    package let kind: String
    package let status: String?
    package let diagnostic: String?
    package let outcome: String
    package let source: String

    enum CodingKeys: String, CodingKey { case receivedAt, contact, campaign, kind, status, diagnostic, outcome, source }
    /// Every key in every row, null when there is no value (scripts read a fixed shape).
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(receivedAt, forKey: .receivedAt)
        try c.encode(contact, forKey: .contact)
        try c.encode(campaign, forKey: .campaign)
        try c.encode(kind, forKey: .kind)
        try c.encode(status, forKey: .status)
        try c.encode(diagnostic, forKey: .diagnostic)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(source, forKey: .source)
    }
}
