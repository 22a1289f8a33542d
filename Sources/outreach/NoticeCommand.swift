import ArgumentParser
import Foundation
import OutreachCampaigns
import OutreachModel
import OutreachRegister

extension CampaignCommand {
    /// `campaign notice SLUG --of PARENT (--event FILE | --cancel)`: a change notice or a cancellation.
    struct Notice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notice",
            abstract: "Tell an invitation's recipients that its event changed (--event FILE) or is cancelled (--cancel).",
            discussion: """
                Creates a draft to preview, test and launch like any campaign. The change is recorded at once: \
                the invitation's RSVP pages and the reminders still to come show the new details (a reminder \
                set with --at event-2d moves with the event); after --cancel the RSVP pages say the event is \
                cancelled and take no answers, and reminders still waiting are cancelled. The calendar \
                attachment has the UID each person got in the invitation and a higher SEQUENCE.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Short name of the notice, e.g. tet-2027-moved.") var slug: String
        @Option(help: "The invitation campaign it is about.") var of: String
        @Option(help: "The event file as it is now (time, venue, address changed).") var event: String?
        @Flag(help: "The event is cancelled.") var cancel = false
        @Option(help: "Template (default: event-update, or event-cancelled with --cancel).") var template: String?
        @Flag(help: "Do not ask on a terminal before cancelling.") var yes = false

        func validate() throws {
            guard (event != nil) != cancel else { throw ValidationError("give either --event FILE (a change) or --cancel") }
        }

        func run() async throws {
            let (settings, register) = try await global.register()
            if cancel {
                let invited = try register.status(of).total
                guard Terminal.confirm(SafeOpsText.say("notice.confirm_cancel", ["slug": of, "n": invited]), yes: yes) else { throw NotConfirmed(what: "campaign notice \(slug) --cancel") }
            }
            let (campaign, summary, differences) = try register.createNotice(
                slug: slug, of: of, templateName: template ?? (cancel ? "event-cancelled" : "event-update"),
                templatesRoot: settings.templatesPath, eventFile: event)
            try register.recordCreator(campaign.slug, user: AuditTrail.user())
            if cancel {
                print("The event of \(of) is cancelled: its RSVP pages now say so; reminders still waiting are cancelled.")
            } else {
                print("The event of \(of) now reads:")
                for d in differences { print("  \(d)") }
            }
            print("Created \(campaign.kind == .cancellation ? "cancellation" : "change notice") \(campaign.slug) (\(campaign.templateName), calendar SEQUENCE \(campaign.eventSequence)): \(summary.total) recipient\(summary.total == 1 ? "" : "s") now; campaign launch \(campaign.slug) sends it")
            for (language, count) in summary.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
        }
    }
}
