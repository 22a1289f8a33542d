import ArgumentParser
import Foundation
import OutreachCampaigns
import OutreachModel
import OutreachRegister

extension CampaignCommand {
    /// `campaign notice SLUG --of PARENT (--event FILE | --cancel)`: a change notice or a cancellation.
    struct Notice: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(
            commandName: "notice",
            abstract: StaffText.say("help.campaigncommand.notice.abstract"),
            discussion: StaffText.say("help.campaigncommand.notice.discussion")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaigncommand.notice.slug")) var slug: String
        @Option(help: staffHelp("help.campaigncommand.notice.of")) var of: String
        @Option(help: staffHelp("help.campaigncommand.notice.event")) var event: String?
        @Flag(help: staffHelp("help.campaigncommand.notice.cancel")) var cancel = false
        @Option(help: staffHelp("help.campaigncommand.notice.template")) var template: String?

        func validate() throws {
            guard (event != nil) != cancel else { throw ValidationError("give either --event FILE (a change) or --cancel") }
        }

        func run() async throws {
            let (settings, register) = try await global.register()
            let (campaign, summary, differences) = try register.createNotice(
                slug: slug, of: of, templateName: template ?? (cancel ? "event-cancelled" : "event-update"),
                templatesRoot: settings.templatesPath, eventFile: event)
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
