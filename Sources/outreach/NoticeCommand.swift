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
        @Option(help: staffHelp("help.campaigncommand.notice.of"), completion: .campaignSlugs) var of: String
        @Option(help: staffHelp("help.campaigncommand.notice.event")) var event: String?
        @Flag(help: staffHelp("help.campaigncommand.notice.cancel")) var cancel = false
        @Option(help: staffHelp("help.campaigncommand.notice.template")) var template: String?
        @Flag(help: staffHelp("help.yes")) var yes = false

        func validate() throws {
            guard (event != nil) != cancel else { throw ValidationError(StaffText.say("notice.event_or_cancel")) }
        }

        func run() async throws {
            let (settings, register) = try await global.register()
            let lifecycle = CampaignLifecycle(register: register)
            if cancel {
                let invited = try lifecycle.status(of).total
                guard Terminal.confirm(StaffText.say("notice.confirm_cancel", ["slug": of, "n": invited]), yes: yes) else { throw NotConfirmed(what: "campaign notice \(slug) --cancel") }
            }
            let (campaign, summary, differences) = try lifecycle.createNotice(
                slug: slug, of: of, templateName: template ?? (cancel ? "event-cancelled" : "event-update"),
                templatesRoot: settings.templatesPath, eventFile: event)
            try lifecycle.recordCreator(campaign.slug, user: AuditTrail.user())
            if cancel {
                print(StaffText.say("notice.cancelled", ["parent": of]))
            } else {
                print(StaffText.say("notice.now_reads", ["parent": of]))
                for d in differences {
                    let field = StaffText.say("notice.field." + d.field)
                    let languages = d.languages.isEmpty ? "" : " (\(d.languages.joined(separator: ", ")))"
                    print(OutsideText.cleaned("  \(field)\(languages): \(d.old) → \(d.new)"))
                }
            }
            print(StaffText.say(campaign.kind == .cancellation ? "notice.created_cancellation" : "notice.created_update",
                                ["slug": campaign.slug, "template": campaign.templateName, "sequence": campaign.eventSequence, "n": summary.total]))
            for (language, count) in summary.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
        }
    }
}
