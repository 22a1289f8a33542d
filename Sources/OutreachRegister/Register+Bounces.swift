import Foundation
import GRDB
import OutreachModel

/// The verbs of the bounce mailbox: record what a report says and apply its consequence in the
/// same transaction, remember how far the mailbox was read, and list what it said.
extension Register {
    /// Records the verdicts on mailbox message `uid` and applies their consequences, in one
    /// transaction, and moves the mailbox's read mark past it. A message already recorded (the
    /// daemon stopped before flagging it handled) is not recorded twice: its first verdicts are
    /// returned. A message is known by the mailbox's URL, UIDVALIDITY and its UID. Returns the verdicts as stored (with `outcome`).
    package func record(_ bounces: [Bounce], mailbox url: String, uidValidity: UInt32, uid: UInt32) throws -> [Bounce] {
        try dbWriter.write { db in
            // A message is known by its mailbox too: after bounces.mailbox_url changes, the new
            // mailbox's UIDs (under a UIDVALIDITY that may be the same) are other messages.
            let earlier = try Bounce.fetchAll(db, sql: """
                SELECT * FROM bounces WHERE mailbox_url = ? AND mailbox_uid_validity = ? AND mailbox_uid = ?
                """, arguments: [url, Int64(uidValidity), Int64(uid)])
            if !earlier.isEmpty { return earlier }
            var stored: [Bounce] = []
            for var bounce in bounces {
                bounce.mailboxUrl = url
                bounce.mailboxUidValidity = Int64(uidValidity)
                bounce.mailboxUid = Int64(uid)
                try Register.apply(db, &bounce)
                stored.append(bounce)
            }
            try db.execute(sql: """
                INSERT INTO mailboxes (url, uid_validity, last_uid, polled_at, error) VALUES (?, ?, ?, ?, NULL)
                ON CONFLICT(url) DO UPDATE SET uid_validity = excluded.uid_validity,
                    last_uid = max(CASE WHEN mailboxes.uid_validity = excluded.uid_validity THEN mailboxes.last_uid ELSE 0 END, excluded.last_uid),
                    polled_at = excluded.polled_at, error = NULL
                """, arguments: [url, Int64(uidValidity), Int64(uid), Timestamp.string()])
            return stored
        }
    }

    /// Inside a transaction: inserts `bounce` with what it changed. A contact erased since (or
    /// never registered: a test message to an outside address) is left out of the row.
    static func apply(_ db: Database, _ bounce: inout Bounce) throws {
        let contact: (email: String, key: String)? = try bounce.contactId.flatMap { id in
            try Row.fetchOne(db, sql: "SELECT email, email_key FROM contacts WHERE id = ?", arguments: [id]).map { ($0[0], $0[1]) }
        }
        if contact == nil { bounce.contactId = nil }
        if let id = bounce.campaignId, try Int.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [id]) == nil {
            bounce.campaignId = nil
        }
        let address = contact.flatMap { try? EmailAddress($0.email) }
        let detail = [bounce.status, bounce.diagnostic].compactMap { $0 }.joined(separator: " ")
        switch bounce.kind {
        case .hard:
            guard let address else { bounce.outcome = "contact no longer registered"; break }
            bounce.outcome = try SuppressionList.add(db, address, reason: .hardBounce, detail: detail) ? "suppressed" : "already suppressed"
        case .soft:
            guard let address, let contactID = bounce.contactId else { bounce.outcome = "contact no longer registered"; break }
            let limit = Bounce.softBounceLimit
            // The contact's last sends that a soft bounce came back for, this one included (a
            // message delayed twice, then failed, counts once).
            let bounced = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM (
                    SELECT campaign_id FROM outbox WHERE contact_id = ? AND sent_at_ms IS NOT NULL ORDER BY sent_at_ms DESC LIMIT ?) sent
                WHERE sent.campaign_id IS ? OR EXISTS (
                    SELECT 1 FROM bounces b WHERE b.contact_id = ? AND b.kind = 'soft' AND b.campaign_id = sent.campaign_id)
                """, arguments: [contactID, limit.sends, bounce.campaignId, contactID]) ?? 0
            if bounced >= limit.bounces {
                let added = try SuppressionList.add(db, address, reason: .unreachable,
                                                    detail: "soft bounces in \(bounced) of the last \(limit.sends) sends; last: \(detail)")
                bounce.outcome = added ? "unreachable: suppressed after \(bounced) of the last \(limit.sends) sends" : "already suppressed"
            } else {
                bounce.outcome = "counted: \(bounced) of the last \(limit.sends) sends"
            }
        case .complaint:
            guard let address else { bounce.outcome = "contact no longer registered"; break }
            try Register.unsubscribe(db, address: address, source: "complaint", evidence: detail.isEmpty ? nil : detail,
                                     actor: "recipient", reason: .complaint)
            bounce.outcome = "consent withdrawn, suppressed"
        case .unsubscribe:
            guard let address else { bounce.outcome = "contact no longer registered"; break }
            let changed = try Register.unsubscribe(db, address: address, source: "mailto", evidence: bounce.diagnostic, actor: "recipient")
            bounce.outcome = changed ? "unsubscribed" : "already unsubscribed"
        case .policy: bounce.outcome = "recorded; not suppressed"
        case .autoReply, .other: bounce.outcome = "ignored"
        case .unmatched: bounce.outcome = "changes nothing; kept in the mailbox"
        case .unreadable: bounce.outcome = "kept in the mailbox"
        }
        try bounce.insert(db)
        Bounce.counter(bounce.kind).increment()
    }

    /// Where the mailbox at `url` was read up to: its UIDVALIDITY and the last UID read.
    package func mailboxMark(url: String) throws -> (uidValidity: UInt32, lastUID: UInt32)? {
        try dbWriter.read { db in
            try Row.fetchOne(db, sql: "SELECT uid_validity, last_uid FROM mailboxes WHERE url = ?", arguments: [url])
                .map { (UInt32(truncatingIfNeeded: $0[0] as Int64), UInt32(truncatingIfNeeded: $0[1] as Int64)) }
        }
    }

    /// Records how a poll of the mailbox ended (`error` nil: it went fine). A new UIDVALIDITY
    /// starts the read mark over.
    package func recordMailboxPoll(url: String, uidValidity: UInt32?, error: String?) throws {
        try dbWriter.write { db in
            if let uidValidity {
                try db.execute(sql: """
                    INSERT INTO mailboxes (url, uid_validity, last_uid, polled_at, error) VALUES (?, ?, 0, ?, ?)
                    ON CONFLICT(url) DO UPDATE SET
                        last_uid = CASE WHEN mailboxes.uid_validity = excluded.uid_validity THEN mailboxes.last_uid ELSE 0 END,
                        uid_validity = excluded.uid_validity, polled_at = excluded.polled_at, error = excluded.error
                    """, arguments: [url, Int64(uidValidity), Timestamp.string(), error])
            } else {
                // A mailbox never read yet has UIDVALIDITY 0 (no server gives 0).
                try db.execute(sql: """
                    INSERT INTO mailboxes (url, uid_validity, last_uid, polled_at, error) VALUES (?, 0, 0, ?, ?)
                    ON CONFLICT(url) DO UPDATE SET polled_at = excluded.polled_at, error = excluded.error
                    """, arguments: [url, Timestamp.string(), error])
            }
        }
    }

    /// How the last poll of the mailbox went: when, and its error (nil: fine, or never polled).
    package func mailboxHealth(url: String) throws -> (polledAt: String?, error: String?)? {
        try dbWriter.read { db in
            try Row.fetchOne(db, sql: "SELECT polled_at, error FROM mailboxes WHERE url = ?", arguments: [url]).map { ($0[0], $0[1]) }
        }
    }

    /// What the bounce mailbox (and refusals while sending) said, newest first.
    package func bounces(limit: Int = 1000) throws -> [BounceListing] {
        try dbWriter.read { db in try Self.bounces(db, limit: limit) }
    }

    /// The same, without blocking Swift's cooperative pool (the staff page).
    package func recentBounces(limit: Int) async throws -> [BounceListing] {
        try await dbWriter.read { db in try Self.bounces(db, limit: limit) }
    }

    static func bounces(_ db: Database, limit: Int) throws -> [BounceListing] {
        try Row.fetchAll(db, sql: """
            SELECT b.received_at, COALESCE(c.email, b.recipient), m.slug, b.kind, b.status, b.diagnostic, b.outcome, b.source
            FROM bounces b LEFT JOIN contacts c ON c.id = b.contact_id LEFT JOIN campaigns m ON m.id = b.campaign_id
            ORDER BY b.id DESC LIMIT ?
            """, arguments: [limit]).map {
            BounceListing(receivedAt: $0[0], contact: $0[1], campaign: $0[2], kind: $0[3], status: $0[4],
                          diagnostic: $0[5], outcome: $0[6], source: $0[7])
        }
    }
}
