import Foundation
import GRDB
import OutreachModel

/// A mail to one person outside any campaign, queued by a page and sent by the daemon: the
/// sign-up's confirmation, or the link to someone's preference page.
package struct PersonalMail: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case joinConfirm = "join-confirm"
        case preferenceLink = "preference-link"
    }
    package let id: Int64
    package let kind: Kind
    package let email: String
    package let language: String
    /// The sign-up request (`joinConfirm`) or the contact (`preferenceLink`) its link names.
    package let subjectID: Int64
    package let attempts: Int
    /// The address is suppressed now: it must not be sent (suppression wins).
    package let suppressed: Bool

    /// What sending one did.
    package enum Outcome: Sendable, Equatable {
        case sent(reply: String?)
        case retry(reason: String, atMs: Int64)
        case failed(reason: String)
    }

    static func queue(_ db: Database, kind: Kind, email: String, language: String, subjectID: Int64, nowMs: Int64) throws {
        try db.execute(sql: """
            INSERT INTO personal_mail (kind, email, language, subject_id, queued_at_ms, due_at_ms) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [kind.rawValue, email, language, subjectID, nowMs, nowMs])
    }
}

extension Register {
    /// Up to `limit` personal mails due now, oldest first.
    package func duePersonalMail(limit: Int = 50, nowMs: Int64 = Timestamp.milliseconds()) async throws -> [PersonalMail] {
        try await dbWriter.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.id, m.kind, m.email, m.language, m.subject_id, m.attempts,
                       EXISTS (SELECT 1 FROM suppressions s WHERE s.address_hash = r.address_hash) OR
                       EXISTS (SELECT 1 FROM contacts c WHERE c.id = m.subject_id AND m.kind = 'preference-link' AND c.suppressed = 1)
                FROM personal_mail m LEFT JOIN signup_requests r ON m.kind = 'join-confirm' AND r.id = m.subject_id
                WHERE m.state = 'queued' AND m.due_at_ms <= ? ORDER BY m.due_at_ms, m.id LIMIT ?
                """, arguments: [nowMs, limit]).map {
                PersonalMail(id: $0[0], kind: PersonalMail.Kind(rawValue: $0[1]) ?? .joinConfirm, email: $0[2], language: $0[3],
                             subjectID: $0[4], attempts: $0[5], suppressed: $0[6])
            }
        }
    }

    /// Records what sending personal mail `id` did.
    package func recordPersonalMail(id: Int64, _ outcome: PersonalMail.Outcome, nowMs: Int64 = Timestamp.milliseconds()) async throws {
        try await dbWriter.write { db in
            switch outcome {
            case .sent(let reply):
                try db.execute(sql: "UPDATE personal_mail SET state = 'sent', attempts = attempts + 1, sent_at_ms = ?, last_reply = ? WHERE id = ?",
                               arguments: [nowMs, reply, id])
            case .retry(let reason, let atMs):
                try db.execute(sql: "UPDATE personal_mail SET attempts = attempts + 1, due_at_ms = ?, last_reply = ? WHERE id = ?",
                               arguments: [atMs, reason, id])
            case .failed(let reason):
                try db.execute(sql: "UPDATE personal_mail SET state = 'failed', attempts = attempts + 1, last_reply = ? WHERE id = ?",
                               arguments: [reason, id])
            }
        }
    }

    /// "Email me my link" (`POST /p`): queues the preference link for a registered address that
    /// is not suppressed and was not sent one in the last 10 minutes. Whether it did is for the
    /// daemon's log, never for the page (true: queued).
    package func requestPreferenceLink(_ address: EmailAddress, nowMs: Int64 = Timestamp.milliseconds()) async throws -> Bool {
        try await dbWriter.write { db -> Bool in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, language, suppressed FROM contacts WHERE email_key = ?", arguments: [address.key]),
                  !(row["suppressed"] as Bool) else { return false }
            let id: Int64 = row["id"]
            let recent = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM personal_mail WHERE kind = 'preference-link' AND subject_id = ? AND queued_at_ms > ?)
                """, arguments: [id, nowMs - 600_000]) ?? false
            guard !recent else { return false }
            try PersonalMail.queue(db, kind: .preferenceLink, email: address.value, language: row["language"] ?? "", subjectID: id, nowMs: nowMs)
            return true
        }
    }

    /// The personal mails sent or queued to `email`, newest first (`kind`, `state`): for tests and `contacts export`.
    package func personalMail(to email: String) async throws -> [(kind: String, state: String)] {
        try await dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, state FROM personal_mail WHERE email = ? COLLATE NOCASE ORDER BY id DESC",
                             arguments: [email]).map { ($0[0], $0[1]) }
        }
    }
}
