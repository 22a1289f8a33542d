import Foundation
import GRDB
import OutreachModel

/// A campaign: a template (frozen at creation), an optional event, a segment, and its state.
package struct Campaign: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "campaigns"
    /// Where it stands (`CampaignTransition` moves it).
    package typealias Status = CampaignPhase
    /// An invitation, or what follows one: a reminder, a change notice (`update`), a cancellation.
    package enum Kind: String, Codable, Sendable, CaseIterable { case invitation, reminder, update, cancellation }

    package var id: Int64?
    package var slug: String
    package var templateName: String
    package var purpose: CampaignPurpose
    /// JSON of the template's texts as they were when the campaign was created (Compose reads it).
    package var templateSnapshot: String
    package var eventFile: String?
    /// JSON of the `Event`, if any.
    package var eventSnapshot: String?
    package var segment: String
    package var subject: String?
    package var status: Status
    package var scheduledAtMs: Int64?
    package var createdAt: String
    package var launchedAt: String?
    package var finishedAt: String?
    /// Why the daemon paused it (the relay's words and what to change); nil otherwise.
    package var pauseReason: String?
    /// What the campaign is in its event's life (`event-life-v1`).
    package var kind: Kind = .invitation
    /// The invitation a reminder or notice follows, by id and by slug (the slug makes the
    /// calendar UID each person got).
    package var parentId: Int64?
    package var parentSlug: String?
    /// A reminder's time as staff gave it: `event-2d` (moves with the event) or ISO 8601.
    package var sendAt: String?
    /// The iCalendar SEQUENCE of the event as this campaign shows it; on an invitation, the latest.
    package var eventSequence: Int = 0
    /// A change notice's event before the change.
    package var previousEventSnapshot: String?
    /// When the event was cancelled (on the invitation and on its cancellation).
    package var eventCancelledAt: String?
    /// The kind of event (`signup-v1`): only people who chose it, or chose no topic, are invited.
    package var topic: String?

    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The table's columns, for queries.
    package enum Columns {
        package static let id = Column("id")
        package static let slug = Column("slug")
        package static let status = Column("status")
    }

    /// A new draft, not yet in the register (`Register.insert(_:)` stores it).
    package init(slug: String, templateName: String, purpose: CampaignPurpose, templateSnapshot: String,
                eventFile: String?, eventSnapshot: String?, segment: String, subject: String?, createdAt: String) {
        self.slug = slug; self.templateName = templateName; self.purpose = purpose; self.templateSnapshot = templateSnapshot
        self.eventFile = eventFile; self.eventSnapshot = eventSnapshot; self.segment = segment; self.subject = subject
        self.status = .draft; self.createdAt = createdAt
    }

    /// The event as frozen at creation. A snapshot from before schedules were stored gets its
    /// schedule worked out here, once, not at every use.
    package var event: Event? {
        get throws {
            guard let eventSnapshot else { return nil }
            var event = try JSONDecoder().decode(Event.self, from: eventSnapshot.data(using: .utf8) ?? Data())
            if event.schedule == nil { event.schedule = try event.makeSchedule(languages: Event.writtenLanguages) }
            return event
        }
    }

    /// A change notice's event as it was before the change.
    package var previousEvent: Event? {
        get throws {
            guard let previousEventSnapshot else { return nil }
            return try JSONDecoder().decode(Event.self, from: previousEventSnapshot.data(using: .utf8) ?? Data())
        }
    }

    /// A reminder's time rule, if it has one.
    package var reminderTime: ReminderTime? { sendAt.flatMap(ReminderTime.init) }

    /// When a reminder with a time rule is due for its (current) event.
    package var reminderDate: Date? {
        guard let rule = reminderTime, let event = try? event else { return nil }
        return rule.date(eventStart: event.resolvedSchedule.start.date)
    }

    /// The campaign called `slug`, or an error naming it.
    static func named(_ slug: String, _ db: Database) throws -> Campaign {
        guard let c = try Campaign.filter(Columns.slug == slug).fetchOne(db) else { throw CampaignError.unknownCampaign(slug) }
        return c
    }
}

/// What a campaign command could not do, in words staff can act on.
package enum CampaignError: StaffFacingError {
    case unknownCampaign(String)
    case slugTaken(String)
    case badSlug(String)
    case badState(String, Campaign.Status, CampaignAction)
    /// `campaign preview --contact`: that person would not get the campaign.
    case notARecipient(contact: String, slug: String)
    /// `campaign test`: the relay did not take the test message.
    case testNotSent(to: String, reply: String)
    /// A change notice whose event file changes nothing.
    case nothingChanged(eventFile: String, parent: String)
    /// A reminder or notice made from a template that is not an invitation's.
    case notAnInvitationTemplate(String, CampaignPurpose)
    /// A consent request whose segment names consent.
    case consentTermInConsentRequest
    case notAnInvitation(String, Campaign.Kind)
    case eventCancelled(String)
    case noEvent(String)
    /// A topic not among the configured `topics`.
    case unknownTopic(String, known: [String])
    package var message: StaffMessage {
        switch self {
        case .unknownCampaign(let slug): StaffMessage("campaign.unknown", ["slug": slug])
        case .slugTaken(let slug): StaffMessage("campaign.slug_taken", ["slug": slug])
        case .badSlug(let slug): StaffMessage("campaign.bad_slug", ["slug": slug])
        case .badState(let slug, let status, let action):
            StaffMessage("campaign.bad_state", ["slug": slug, "status": StaffMessage("campaign.status." + status.rawValue), "action": action.message])
        case .notARecipient(let contact, let slug): StaffMessage("campaign.not_a_recipient", ["contact": contact, "slug": slug])
        case .testNotSent(let to, let reply): StaffMessage("campaign.test_not_sent", ["to": to, "reply": reply])
        case .nothingChanged(let file, let parent): StaffMessage("campaign.nothing_changed", ["file": file, "parent": parent])
        case .notAnInvitationTemplate(let name, let purpose): StaffMessage("campaign.not_invitation_template", ["template": name, "purpose": purpose.rawValue])
        case .consentTermInConsentRequest: StaffMessage("campaign.consent_term")
        case .notAnInvitation(let slug, let kind): StaffMessage("campaign.not_an_invitation", ["slug": slug, "kind": StaffMessage("campaign.kind." + kind.rawValue)])
        case .eventCancelled(let slug): StaffMessage("campaign.event_cancelled", ["slug": slug])
        case .noEvent(let slug): StaffMessage("campaign.no_event", ["slug": slug])
        case .unknownTopic(let topic, let known): StaffMessage("campaign.unknown_topic", ["topic": topic, "known": known.joined(separator: ", ")])
        }
    }
}

extension CampaignError {
    /// The staff-facing error of a step `CampaignTransition` refused.
    static func refused(_ slug: String, _ refusal: CampaignTransition.Refusal) -> CampaignError {
        .badState(slug, refusal.phase, refusal.step.action ?? .launch)
    }
}

extension Campaign {
    /// Asks `CampaignTransition` what `step` makes of this campaign and takes its answer (the
    /// phase, and the pause reason: `reason` when the step gives one); throws the refusal.
    mutating func take(_ step: CampaignStep, reason: String? = nil) throws {
        switch CampaignTransition.next(from: status, on: step) {
        case .failure(let refusal): throw CampaignError.refused(slug, refusal)
        case .success(let move):
            status = move.phase
            switch move.reason {
            case .kept: break
            case .cleared: pauseReason = nil
            case .given: pauseReason = reason
            }
        }
    }
}
