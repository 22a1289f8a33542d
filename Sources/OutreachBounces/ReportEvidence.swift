import OutreachLinks
import OutreachRegister

/// What ties a report to a message of ours, and so how far its consequence may go.
///
/// A complaint or a hard bounce needs proof: the token of our return address (VERP:
/// `bounces+TOKEN@`, where reports are sent, the original's Return-Path and an ARF's
/// Original-Mail-From) or the token our Message-ID starts with. The List-Unsubscribe mailto
/// token is in every forwarded copy of an invitation and is meant for the person to use, so a
/// report that carries only that token counts at most as that person's own unsubscribe (which
/// they can lift by opting in again), and a soft bounce tied by it counts towards nothing.
struct ReportEvidence: Equatable {
    /// How strongly the report is tied to the person.
    enum Strength: Equatable {
        /// A genuine return-address or Message-ID token.
        case proof
        /// Only a genuine List-Unsubscribe (mailto) token.
        case unsubscribeToken
    }

    let campaignID: Int64
    let contactID: Int64
    /// `Bounce.matchedBy`: `token`, `message-id` or `list-unsubscribe`.
    let matchedBy: String
    let strength: Strength

    /// The evidence among the genuine `claims` found in the report's addresses (the one it was
    /// delivered to first) and the claim of the returned original's Message-ID: proof first, else
    /// an unsubscribe token, else nil (the report is nobody's).
    init?(_ claims: [LinkClaim], messageID: LinkClaim?) {
        if let claim = claims.first(where: { $0.purpose == .bounce }) {
            self.init(claim, matchedBy: "token", strength: .proof)
        } else if let claim = messageID, claim.purpose == .bounce {
            self.init(claim, matchedBy: "message-id", strength: .proof)
        } else if let claim = claims.first(where: { $0.purpose == .unsubscribe }) {
            self.init(claim, matchedBy: "list-unsubscribe", strength: .unsubscribeToken)
        } else {
            return nil
        }
    }

    private init(_ claim: LinkClaim, matchedBy: String, strength: Strength) {
        campaignID = claim.campaignID
        contactID = claim.contactID
        self.matchedBy = matchedBy
        self.strength = strength
    }

    /// The kind a report of `kind` may be recorded as on this evidence: anything on proof; on an
    /// unsubscribe token alone, a complaint or hard bounce becomes an unsubscribe and a soft
    /// bounce (which could add up to `unreachable`) changes nothing.
    func allowed(_ kind: Bounce.Kind) -> Bounce.Kind {
        guard strength == .unsubscribeToken else { return kind }
        switch kind {
        case .complaint, .hard: return .unsubscribe
        case .soft: return .other
        case .policy, .autoReply, .unsubscribe, .other, .unmatched, .unreadable: return kind
        }
    }
}
