import Foundation
import GRDB
import OutreachModel

/// What a sign-up form asked for, with the evidence of how it was asked (`POST /join`).
package struct SignupRequest: Sendable, Equatable {
    package var address: EmailAddress
    package var name: String
    package var language: String
    package var kind: ContactKind
    package var country: String?
    package var topics: [String]
    /// `join`, or the slug of the event whose QR code led to the form.
    package var source: String
    /// The time, IP, user agent, form version and the consent sentence as shown.
    package var evidence: String
    /// The client's address: the per-IP limit counts by it.
    package var ip: String

    package init(address: EmailAddress, name: String, language: String, kind: ContactKind, country: String?, topics: [String],
                source: String, evidence: String, ip: String) {
        self.address = address; self.name = name; self.language = language; self.kind = kind; self.country = country
        self.topics = topics; self.source = source; self.evidence = evidence; self.ip = ip
    }
}

/// What became of a sign-up request. The page says the same thing for every one of them but
/// `tooMany` and `challengeSpent`: whether a mail goes out reveals nothing to the visitor.
package enum SignupVerdict: Sendable, Equatable {
    /// A confirmation mail is queued (its request's id).
    case mailQueued(Int64)
    /// Recorded, but no mail: the address is suppressed, or was sent one in the last 24 hours.
    case noMail
    /// Past `signup.per_ip_per_hour` for this IP: nothing recorded.
    case tooMany
    /// The proof-of-work was used before: nothing recorded.
    case challengeSpent
}

/// What confirming a sign-up did.
package enum SignupConfirmation: Sendable, Equatable {
    case confirmed
    /// The address is suppressed for a reason the person's own opt-in cannot lift.
    case refused
    case expired
    case unknown
}

/// A sign-up request being confirmed, as read with its contact.
struct PendingSignup: Sendable {
    /// What reading a request found: it, or that it expired before its confirmation.
    enum Found: Sendable { case pending(PendingSignup), expired }
    let contact: Contact
    let created: Bool
    let source: String
    let evidence: String
    let language: String
    let name: String
    let topics: [String]
}

/// The pending sign-up requests.
enum SignupRequests {
    /// Everything held about `address`'s sign-ups and personal mails goes (an erasure).
    static func erase(_ db: Database, _ address: EmailAddress) throws {
        try db.execute(sql: "DELETE FROM signup_requests WHERE address_hash = ?", arguments: [address.hash])
        try db.execute(sql: "DELETE FROM personal_mail WHERE email = ? COLLATE NOCASE", arguments: [address.value])
    }
}

extension Register {
    /// Records a sign-up request whose proof-of-work (`challenge`, good until `challengeExpiresMs`)
    /// was checked, and queues its confirmation mail unless the address is suppressed or was sent
    /// one in the last 24 hours: one transaction, so the challenge is spent exactly once.
    package func requestSignup(_ request: SignupRequest, challenge: String, challengeExpiresMs: Int64, perIPPerHour: Int,
                              nowMs: Int64 = Timestamp.milliseconds()) async throws -> SignupVerdict {
        try await dbWriter.write { db -> SignupVerdict in
            try db.execute(sql: "DELETE FROM spent_challenges WHERE expires_at_ms < ?", arguments: [nowMs])
            try db.execute(sql: "INSERT OR IGNORE INTO spent_challenges (challenge, expires_at_ms) VALUES (?, ?)",
                           arguments: [challenge, challengeExpiresMs])
            guard db.changesCount == 1 else { return .challengeSpent }
            let fromIP = try Int.fetchOne(db, sql: "SELECT count(*) FROM signup_requests WHERE ip = ? AND requested_at_ms > ?",
                                          arguments: [request.ip, nowMs - 3_600_000]) ?? 0
            guard fromIP < perIPPerHour else { return .tooMany }
            let suppressed = try SuppressionList.contains(db, request.address)
            let mailedToday = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM signup_requests WHERE address_hash = ? AND mailed = 1 AND requested_at_ms > ?)
                """, arguments: [request.address.hash, nowMs - 86_400_000]) ?? false
            let mail = !suppressed && !mailedToday
            let topics = String(decoding: try JSONEncoder().encode(Array(Set(request.topics)).sorted()), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO signup_requests (email, address_hash, name, language, kind, country, topics, source, evidence, ip, mailed, requested_at_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [request.address.value, request.address.hash, request.name.precomposedStringWithCanonicalMapping,
                                 request.language, request.kind.rawValue, request.country, topics, request.source, request.evidence,
                                 request.ip, mail, nowMs])
            let id = db.lastInsertedRowID
            guard mail else { return .noMail }
            try PersonalMail.queue(db, kind: .joinConfirm, email: request.address.value, language: request.language, subjectID: id, nowMs: nowMs)
            return .mailQueued(id)
        }
    }


    /// The person's own confirmation of sign-up `id` (`POST /join/confirm/{token}`): creates the
    /// contact if the register has none at that address, then grants consent through the same
    /// verb as every confirm link (`confirmOptIn`, so the precedence of suppressions applies),
    /// with the request's evidence and `confirmEvidence`; only then are the form's choices
    /// (language, topics) applied, one preference row each. Nothing is told before it is committed.
    package func confirmSignup(id: Int64, confirmEvidence: String, maxAgeMs: Int64, nowMs: Int64 = Timestamp.milliseconds()) async throws -> SignupConfirmation {
        let found = try await dbWriter.write { db -> PendingSignup.Found? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM signup_requests WHERE id = ?", arguments: [id]) else { return nil }
            if (row["confirmed_at"] as String?) == nil, nowMs - (row["requested_at_ms"] as Int64) > maxAgeMs { return .expired }
            let address = try EmailAddress(row["email"] as String)
            let topics = (try? JSONDecoder().decode([String].self, from: (row["topics"] as String).data(using: .utf8) ?? Data())) ?? []
            func pending(_ contact: Contact, created: Bool) -> PendingSignup {
                PendingSignup(contact: contact, created: created, source: row["source"], evidence: row["evidence"],
                              language: row["language"], name: row["name"], topics: topics)
            }
            if let contact = try Contact.find(db, email: address.value) { return .pending(pending(contact, created: false)) }
            let now = Timestamp.string()
            try db.execute(sql: """
                INSERT INTO contacts (email, email_key, name, kind, country, language, topics, suppressed, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [address.value, address.key, row["name"], row["kind"], row["country"], row["language"],
                                 row["topics"], try SuppressionList.contains(db, address), now, now])
            guard let contact = try Contact.find(db, email: address.value) else { return nil }
            return .pending(pending(contact, created: true))
        }
        guard let found else { return .unknown }
        guard case .pending(let p) = found else { return .expired }
        guard try await confirmOptIn(p.contact, evidence: "\(p.evidence); confirmed: \(confirmEvidence)", source: p.source) else { return .refused }
        try await dbWriter.write { db in
            if !p.created {
                var update = PreferenceUpdate(language: p.language, topics: p.topics)
                if p.contact.name.isEmpty { update.name = p.name }
                _ = try PreferenceLedger.apply(db, contactID: p.contact.id!, update, source: p.source, evidence: "sign-up form", actor: "recipient",
                                               officeZone: officeZone)
            }
            try db.execute(sql: "UPDATE signup_requests SET confirmed_at = coalesce(confirmed_at, ?) WHERE id = ?",
                           arguments: [Timestamp.string(), id])
        }
        return .confirmed
    }
}

extension Register {
    /// A sign-up request's address and language, and whether it was confirmed (nil: none such).
    package func signupRequest(id: Int64) async throws -> (email: String, language: String, confirmed: Bool)? {
        try await dbWriter.read { db in
            try Row.fetchOne(db, sql: "SELECT email, language, confirmed_at IS NOT NULL FROM signup_requests WHERE id = ?", arguments: [id])
                .map { ($0[0], $0[1], $0[2]) }
        }
    }
}
