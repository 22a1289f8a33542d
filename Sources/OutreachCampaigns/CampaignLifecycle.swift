import Foundation
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister

/// A campaign's recipients by language, as `campaign create` and `preview` report them.
package struct RecipientSummary: Sendable {
    package var total = 0
    /// Messages per language they will be written in.
    package var byLanguage: [String: Int] = [:]
    /// Recipients whose own language the template lacks (they get a fallback).
    package var fallbacks = 0
}

/// A campaign's life as staff drive it: create (an invitation, a reminder, a notice), check,
/// launch, pause, resume, cancel, retry, status, preview. The rules live here; each step calls
/// register verbs that each run one transaction (the register executes `CampaignTransition`
/// inside them). The CLI calls this, not the register, for these steps.
package struct CampaignLifecycle: Sendable {
    /// The register whose verbs each step calls.
    package let register: Register

    package init(register: Register) { self.register = register }

    /// Creates a draft: the template's texts and the event are read from their files, checked,
    /// and frozen into the campaign, so later edits of the files change nothing already created.
    /// `topic` (else the event's) must be one of `topics`: the campaign then reaches only the
    /// people who chose it or chose no topic.
    package func create(slug: String, templateName: String, templatesRoot: String, eventFile: String?,
                       segment: String, subject: String?, topic: String? = nil,
                       topics: [Topic] = Topic.shipped) throws -> (Campaign, RecipientSummary) {
        try Campaign.checkSlug(slug)
        let parsedSegment = try Segment(segment)
        if parsedSegment.needsInvitation {
            throw Segment.Failure(term: parsedSegment.description, problem: StaffMessage("segment.needs_invitation"))
        }
        let template = try InvitationTemplate.load(name: templateName, from: templatesRoot)
        let event = try eventFile.map { try Event.load(path: $0) }
        if template.purpose == .consentRequest, parsedSegment.terms.contains(where: { $0.key == .consent && $0.values != ["pending"] }) {
            throw CampaignError.consentTermInConsentRequest
        }
        let chosenTopic = topic ?? event?.topic
        if let chosenTopic, !topics.contains(where: { $0.name == chosenTopic }) {
            throw CampaignError.unknownTopic(chosenTopic, known: topics.map(\.name))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var draft = Campaign(
            slug: slug, templateName: templateName, purpose: template.purpose, templateSnapshot: try template.snapshot,
            eventFile: eventFile, eventSnapshot: try event.map { String(decoding: try encoder.encode($0), as: UTF8.self) },
            segment: parsedSegment.description, subject: subject.map(HeaderEncoding.singleLine), createdAt: Timestamp.string())
        draft.topic = chosenTopic
        let campaign = try register.insert(draft)
        return (campaign, try recipientSummary(campaign))
    }

    /// Who the campaign would reach now, by the language each will be written in.
    package func recipientSummary(_ campaign: Campaign) throws -> RecipientSummary {
        let template = try InvitationTemplate(snapshot: campaign.templateSnapshot)
        var summary = RecipientSummary()
        for (language, kind, count) in try register.recipientLanguages(campaign) {
            let (chosen, fallback) = template.language(for: language, kind: kind)
            summary.total += count
            summary.byLanguage[chosen, default: 0] += count
            if fallback { summary.fallbacks += count }
        }
        return summary
    }

    /// `campaign preview`: the campaign and the people a preview writes for — everyone it would
    /// reach now, or only `contact`, who must be one of them.
    package func preview(_ slug: String, only contact: String? = nil) throws -> (Campaign, [Recipient]) {
        let campaign = try register.campaign(slug)
        let recipients = try register.recipients(campaign, only: contact).map(\.recipient)
        if let contact, recipients.isEmpty {
            throw CampaignError.notARecipient(contact: contact, slug: slug)
        }
        return (campaign, recipients)
    }
}

extension Event {
    /// Reads and checks an event file (`Config/events/*.yaml`).
    package static func load(path: String) throws -> Event {
        let name = (path as NSString).lastPathComponent
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(file: name, field: "", problem: StaffMessage("event.cannot_read", ["path": path]))
        }
        return try parse(text, file: name)
    }
}

extension InvitationComposer {
    /// The composer of `campaign`: its frozen template and event, its subject.
    /// A reminder or notice carries the invitation's calendar UID, the event's SEQUENCE now, and
    /// for a notice the event before the change.
    package init(campaign: Campaign, sender: Sender, links: Links, signer: DKIMSigner? = nil) throws {
        let revision = try campaign.parentId.map { parentID in
            EventRevision(invitationSlug: campaign.parentSlug ?? campaign.slug, invitationID: parentID,
                          sequence: campaign.eventSequence, cancelled: campaign.kind == .cancellation,
                          previousEvent: try campaign.previousEvent)
        } ?? (campaign.eventSequence > 0
            ? EventRevision(invitationSlug: campaign.slug, invitationID: campaign.id!, sequence: campaign.eventSequence,
                            cancelled: false, previousEvent: nil) : nil)
        try self.init(campaignID: campaign.id!, slug: campaign.slug, template: try InvitationTemplate(snapshot: campaign.templateSnapshot),
                      event: try campaign.event, subject: campaign.subject, sender: sender, links: links, revision: revision,
                      signer: signer)
    }
}
