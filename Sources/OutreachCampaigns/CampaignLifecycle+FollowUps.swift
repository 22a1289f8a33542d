import Foundation
import OutreachCompose
import OutreachModel
import OutreachRegister

extension CampaignLifecycle {
    /// A reminder of the invitation `parent`: its recipients who were sent the invitation and have
    /// not declined, decided when it is sent. `at`: when (relative to the event, moving with it, or
    /// a fixed time); without it, `campaign launch` says when.
    package func createReminder(slug: String, of parent: String, templateName: String, templatesRoot: String,
                               at: ReminderTime?, segment: String = "") throws -> (Campaign, RecipientSummary) {
        var draft = try followUpDraft(slug: slug, templateName: templateName, templatesRoot: templatesRoot, kind: .reminder)
        draft.sendAt = at?.description
        // `rsvp=…`, `attended=…` and the other keys narrow the invitation's recipients.
        draft.segment = try Segment(segment).description
        let reminder = try register.insertFollowUp(draft, of: parent, change: nil)
        return (reminder, try recipientSummary(reminder))
    }

    /// A change notice (`eventFile`: the event as it is now) or a cancellation (`eventFile` nil) of
    /// the invitation `parent`. Creating it records the change: the invitation's pages and the
    /// reminders still to come show the new details at once; `campaign launch` sends the notice.
    /// Returns what changed (nothing for a cancellation).
    package func createNotice(slug: String, of parent: String, templateName: String, templatesRoot: String,
                             eventFile: String?) throws -> (Campaign, RecipientSummary, [EventDifference]) {
        var draft = try followUpDraft(slug: slug, templateName: templateName, templatesRoot: templatesRoot,
                                      kind: eventFile == nil ? .cancellation : .update)
        var differences: [EventDifference] = []
        let change: EventChange
        if let eventFile {
            guard let old = try register.campaign(parent).event else { throw CampaignError.noEvent(parent) }
            let changes = EventChanges(from: old, to: try Event.load(path: eventFile))
            differences = changes.differences
            guard !differences.isEmpty else {
                throw CampaignError.nothingChanged(eventFile: eventFile, parent: parent)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            change = .moved(eventSnapshot: String(decoding: try encoder.encode(changes.event), as: UTF8.self))
            draft.eventFile = eventFile
        } else {
            change = .cancelled
        }
        let notice = try register.insertFollowUp(draft, of: parent, change: change)
        return (notice, try recipientSummary(notice), differences)
    }

    private func followUpDraft(slug: String, templateName: String, templatesRoot: String, kind: Campaign.Kind) throws -> Campaign {
        try Campaign.checkSlug(slug)
        let template = try InvitationTemplate.load(name: templateName, from: templatesRoot)
        guard template.purpose == .invitation else {
            throw CampaignError.notAnInvitationTemplate(templateName, template.purpose)
        }
        var draft = Campaign(slug: slug, templateName: templateName, purpose: template.purpose, templateSnapshot: try template.snapshot,
                             eventFile: nil, eventSnapshot: nil, segment: "", subject: nil, createdAt: Timestamp.string())
        draft.kind = kind
        return draft
    }
}

extension Campaign {
    /// Refuses a slug that is not lower-case letters, digits and `-` (at most 64).
    package static func checkSlug(_ slug: String) throws {
        guard !slug.isEmpty, slug.utf8.count <= 64, slug.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
            throw CampaignError.badSlug(slug)
        }
    }
}
