import Foundation
import OutreachCompose
import OutreachModel
import OutreachRegister

/// What `campaign launch` refuses or warns about, found in one place: `campaign check SLUG`
/// shows it, `launch` runs it and stops at the first refusal.
package struct LaunchChecks: Sendable {
    /// Reasons the launch is refused (empty: it may go).
    package var refusals: [String] = []
    /// What staff should know but does not stop it (a segment value no contact has).
    package var warnings: [String] = []
    /// Who it would reach now, by language (empty when the checks were run without `counting`).
    package var summary = RecipientSummary()

    /// The error a refused launch stops with.
    package struct Refused: StaffFacingError {
        package let slug: String
        package let refusals: [String]
        package init(slug: String, refusals: [String]) { self.slug = slug; self.refusals = refusals }
        package var message: StaffMessage { StaffMessage("check.refused", ["slug": slug, "reasons": refusals.joined(separator: "; ")]) }
    }
}

extension CampaignLifecycle {
    /// The checks of the campaign `slug` before launch. `at`: the time given with `--at`
    /// (a reminder due after the RSVP deadline goes only with an explicit time);
    /// `requireApproval`: `campaigns.require_approval`. `counting`: count the recipients by
    /// language for staff to read (a scan and a sort of every contact: a second or so at a
    /// million); without it, the checks only ask whether anybody would be reached.
    package func checks(_ slug: String, at: Date?, requireApproval: Bool, counting: Bool = true, now: Date = Date()) throws -> LaunchChecks {
        let campaign = try register.campaign(slug)
        var checks = LaunchChecks()
        if counting { checks.summary = try recipientSummary(campaign) }
        let template = try InvitationTemplate(snapshot: campaign.templateSnapshot)
        let texts = template.languages.values.flatMap { [$0.subject, $0.html, $0.text] }
        let usesEvent = texts.contains { $0.contains("{{event.") || $0.contains("{{#event") || $0.contains("rsvp_") }
        let event = try campaign.event
        if usesEvent, event == nil {
            checks.refusals.append(StaffText.say("check.no_event", ["template": campaign.templateName]))
        }
        if campaign.kind == .invitation, counting ? checks.summary.total == 0 : !(try register.hasRecipients(campaign)) {
            checks.refusals.append(StaffText.say("check.nobody", ["segment": campaign.segment]))
        }
        // A time written out (launch --at, or create --at with a date) is staff's explicit choice;
        // a rule before the event (event-2d) or "now" is checked against the deadline.
        var explicit = at != nil
        if case .at? = campaign.reminderTime { explicit = true }
        if campaign.kind == .reminder, !explicit, let deadline = event?.rsvpDeadlineDate,
           texts.contains(where: { $0.contains("rsvp_yes_url") || $0.contains("rsvp_no_url") }) {
            let due = campaign.reminderDate ?? now
            if due > deadline {
                checks.refusals.append(StaffText.say("check.after_deadline", ["due": Timestamp.string(due), "deadline": Timestamp.string(deadline)]))
            }
        }
        if requireApproval, try register.approval(slug).approvedBy == nil {
            checks.refusals.append(StaffText.say("check.not_approved", ["slug": slug]))
        }
        checks.warnings = try unknownSegmentValues(campaign)
        return checks
    }

    /// Each value of the segment that names a language we do not write in, or a country or tag
    /// that no contact the campaign may reach has.
    private func unknownSegmentValues(_ campaign: Campaign) throws -> [String] {
        guard !campaign.segment.isEmpty, let segment = try? Segment(campaign.segment) else { return [] }
        var found: [String] = []
        for term in segment.terms where [.language, .country, .tag].contains(term.key) {
            for value in term.values {
                if term.key == .language, !Event.writtenLanguages.contains(Language.primary(value)) {
                    found.append(StaffText.say("check.unknown_language", ["value": value, "languages": Event.writtenLanguages.joined(separator: ", ")]))
                    continue
                }
                var probe = campaign
                probe.segment = "\(term.key.rawValue)=\(value)"
                if try recipientSummary(probe).total == 0 {
                    found.append(StaffText.say("check.unknown_value", ["key": term.key.rawValue, "value": value]))
                }
            }
        }
        return found
    }

    /// Launches the campaign `slug` (queues its messages, one transaction; `at`: start then)
    /// once `checks` (of this campaign, from `checks(_:at:requireApproval:counting:)`) refuse nothing.
    package func launch(_ slug: String, at: Date?, after checks: LaunchChecks) throws -> (campaign: Campaign, added: Int, total: Int) {
        guard checks.refusals.isEmpty else { throw LaunchChecks.Refused(slug: slug, refusals: checks.refusals) }
        return try register.launch(slug, at: at)
    }
}
