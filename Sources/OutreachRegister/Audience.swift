import Foundation
import GRDB
import OutreachModel

/// Who may receive a campaign, written once: the campaign's segment, with the consent its purpose
/// needs (`CampaignPurpose.requiredConsent`), never suppressed. `condition` says it in SQL for
/// launches and counts; `check` says it of one contact right before sending, with the reason when not.
enum Audience {
    /// SQL over the contact aliased `c`: in the segment, with the consent the purpose needs, not
    /// suppressed; for a campaign of a `topic`, among those who chose it or no topic; for an
    /// invitation, not paused at `nowMs` (a pause holds through its date, `PauseDate`).
    static func condition(segment: Segment, purpose: CampaignPurpose, topic: String? = nil, nowMs: Int64) -> (String, StatementArguments) {
        var (condition, arguments) = segment.sql(invitationID: nil)
        condition = "(\(condition)) AND \(ConsentLedger.currentStatusSQL) = '\(purpose.requiredConsent.rawValue)' AND NOT \(SuppressionList.suppressedSQL)"
        if let topic {
            condition += " AND \(topicSQL(count: 1))"
            arguments += [topic]
        }
        if purpose == .invitation {
            condition += " AND \(notPausedSQL)"
            arguments += [nowMs]
        }
        return (condition, arguments)
    }

    /// The contact `c` hears about one of `count` topics (bound after it): it chose one, or none.
    static func topicSQL(count: Int) -> String {
        "(c.topics = '[]' OR EXISTS (SELECT 1 FROM json_each(c.topics) WHERE json_each.value IN (\(Array(repeating: "?", count: count).joined(separator: ",")))))"
    }

    /// The contact `c` has no pause running at the moment bound after it (ms since 1970).
    static let notPausedSQL = "(c.paused_until_ms IS NULL OR c.paused_until_ms <= ?)"

    /// The condition for `campaign` at `nowMs`: its segment's, or for a reminder
    /// or notice, its parent's recipients whose invitation was sent and who have not declined it
    /// (`followUpCondition`).
    static func condition(for campaign: Campaign, nowMs: Int64) throws -> (String, StatementArguments) {
        if let parent = campaign.parentId {
            let (followUp, arguments) = followUpCondition(parentID: parent, purpose: campaign.purpose, topic: campaign.topic, nowMs: nowMs)
            let (segment, more) = try Segment(campaign.segment).sql(invitationID: parent)
            return ("(\(followUp)) AND (\(segment))", arguments + more)
        }
        return condition(segment: try Segment(campaign.segment), purpose: campaign.purpose, topic: campaign.topic, nowMs: nowMs)
    }

    /// SQL over the contact aliased `c` for what follows an invitation: the invitation was sent to
    /// them, they have not answered no, they still have the consent and are not suppressed, they
    /// still hear about its topic (`topic`, else the invitation's) and are not paused at `nowMs`.
    static func followUpCondition(parentID: Int64, purpose: CampaignPurpose, topic: String?, nowMs: Int64) -> (String, StatementArguments) {
        let theTopic = topic == nil ? "(SELECT topic FROM campaigns WHERE id = ?)" : "?"
        var condition = "c.id IN (SELECT o.contact_id FROM outbox o WHERE o.campaign_id = ? AND o.state = 'sent')"
            + " AND NOT EXISTS (SELECT 1 FROM rsvps r WHERE r.campaign_id = ? AND r.contact_id = c.id AND r.answer = 'no')"
            + " AND \(ConsentLedger.currentStatusSQL) = '\(purpose.requiredConsent.rawValue)' AND NOT \(SuppressionList.suppressedSQL)"
            + " AND (c.topics = '[]' OR \(theTopic) IS NULL OR EXISTS (SELECT 1 FROM json_each(c.topics) WHERE json_each.value = \(theTopic)))"
        var arguments: StatementArguments = [parentID, parentID]
        arguments += topic.map { [$0, $0] } ?? [parentID, parentID]
        if purpose == .invitation {
            condition += " AND \(notPausedSQL)"
            arguments += [nowMs]
        }
        return (condition, arguments)
    }

    /// Why a person must not be sent a campaign of `purpose` now; nil when they may. The segment
    /// was applied at launch. `consent` and `suppression` (its reason, if any) are theirs now;
    /// `parentAnswer`, for a reminder or notice, their answer to the invitation now; `topics`
    /// (JSON) what they chose, against `campaignTopic` (the campaign's, else its invitation's);
    /// `pausedUntil` their pause's day and `pauseEndsMs` its end, against `nowMs` (invitations only).
    static func check(consent: ConsentStatus?, suppression: String?, purpose: CampaignPurpose, parentAnswer: String? = nil,
                      topics: String = "[]", campaignTopic: String? = nil, pausedUntil: String? = nil, pauseEndsMs: Int64? = nil,
                      nowMs: Int64) -> String? {
        if let suppression { return "suppressed (\(suppression))" }
        if parentAnswer == "no" { return "declined the invitation" }
        guard consent == purpose.requiredConsent else {
            return "consent is \(consent?.rawValue ?? "none") at send time"
        }
        if purpose == .invitation, let pauseEndsMs, pauseEndsMs > nowMs { return "paused until \(pausedUntil ?? "-")" }
        if let campaignTopic, topics != "[]",
           let chosen = try? JSONDecoder().decode([String].self, from: Data(topics.utf8)), !chosen.isEmpty, !chosen.contains(campaignTopic) {
            return "does not follow the topic \(campaignTopic)"
        }
        return nil
    }
}

extension Segment {
    /// SQL condition over the contact aliased `c` (always true for an empty segment). `rsvp` and
    /// `attended` speak of the invitation `invitationID`; without one they select nobody.
    func sql(invitationID: Int64?) -> (condition: String, arguments: StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }
        for (key, values) in terms {
            switch key {
            case .kind:
                parts.append("c.kind IN (\(marks(values.count)))"); arguments += StatementArguments(values)
            case .country:
                parts.append("c.country IN (\(marks(values.count)))"); arguments += StatementArguments(values.map { $0.uppercased() })
            case .language:
                parts.append("(" + values.map { _ in "(c.language = ? COLLATE NOCASE OR c.language LIKE ?)" }.joined(separator: " OR ") + ")")
                for v in values { arguments += [v, v + "-%"] }
            case .city:
                parts.append("c.city COLLATE NOCASE IN (\(marks(values.count)))")
                arguments += StatementArguments(values.map { $0.precomposedStringWithCanonicalMapping })
            case .tag:
                parts.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value IN (\(marks(values.count))))")
                arguments += StatementArguments(values.map { $0.lowercased() })
            case .consent:
                let named = values.filter { $0 != "none" }
                var alternatives: [String] = []
                if !named.isEmpty { alternatives.append("\(ConsentLedger.currentStatusSQL) IN (\(marks(named.count)))"); arguments += StatementArguments(named) }
                if values.contains("none") { alternatives.append("\(ConsentLedger.currentStatusSQL) IS NULL") }
                parts.append("(" + alternatives.joined(separator: " OR ") + ")")
            case .topic:
                parts.append(Audience.topicSQL(count: values.count)); arguments += StatementArguments(values)
            case .rsvp:
                let answered = "SELECT 1 FROM rsvps r WHERE r.campaign_id = ? AND r.contact_id = c.id"
                let alternatives = values.map { v -> String in
                    arguments += [invitationID ?? -1]
                    switch v {
                    case "none": return "NOT EXISTS (\(answered))"
                    case "waitlisted": return "EXISTS (\(answered) AND r.seat = 'waitlisted')"
                    default: arguments += [v]; return "EXISTS (\(answered) AND r.answer = ?)"
                    }
                }
                parts.append("(" + alternatives.joined(separator: " OR ") + ")")
            case .attended:
                let came = "EXISTS (SELECT 1 FROM checkins k WHERE k.campaign_id = ? AND k.contact_id = c.id AND k.guest = 0)"
                let alternatives = values.map { v -> String in
                    arguments += [invitationID ?? -1]
                    return v == "yes" ? came : "NOT \(came)"
                }
                parts.append("(" + alternatives.joined(separator: " OR ") + ")")
            }
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), arguments)
    }
}
