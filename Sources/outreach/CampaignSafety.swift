import ArgumentParser
import Foundation
import OutreachCampaigns
import OutreachModel
import OutreachRegister

extension CampaignCommand {
    /// `campaign check SLUG`: what launch would refuse or warn about.
    struct Check: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "check", abstract: StaffText.say("help.campaigncommand.check.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Option(help: staffHelp("help.campaigncommand.check.at")) var at: String?

        func run() async throws {
            let (settings, register) = try await global.register()
            let checks = try CampaignLifecycle(register: register).checks(slug, at: at.flatMap { ISO8601DateFormatter().date(from: $0) },
                                                   requireApproval: settings.requireApproval)
            print(StaffText.say("check.recipients", ["slug": slug, "n": checks.summary.total]))
            for (language, count) in checks.summary.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
            for w in checks.warnings { print(StaffText.say("check.warning", ["text": w])) }
            for r in checks.refusals { print(StaffText.say("check.refusal", ["text": r])) }
            if checks.refusals.isEmpty { print(StaffText.say("check.ok")) } else { throw ExitCode.failure }
        }
    }

    /// `campaign delete SLUG [--yes]`: a draft only; a draft notice puts the event back.
    struct Delete: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "delete", abstract: StaffText.say("help.campaigncommand.delete.abstract"),
                                 discussion: StaffText.say("help.campaigncommand.delete.discussion"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Flag(help: staffHelp("help.yes")) var yes = false

        func run() async throws {
            let (_, register) = try await global.register()
            guard Terminal.confirm(StaffText.say("delete.confirm", ["slug": slug]), yes: yes) else { throw NotConfirmed(what: "campaign delete \(slug)") }
            let deleted = try CampaignLifecycle(register: register).delete(slug)
            switch deleted.kind {
            case .update: print(StaffText.say("delete.done_notice", ["slug": slug, "parent": deleted.parentSlug ?? ""]))
            case .cancellation: print(StaffText.say("delete.done_cancellation", ["slug": slug, "parent": deleted.parentSlug ?? ""]))
            default: print(StaffText.say("delete.done", ["slug": slug]))
            }
        }
    }

    /// `campaign approve SLUG`: the second person of the two-person rule.
    struct Approve: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "approve", abstract: StaffText.say("help.campaigncommand.approve.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String

        func run() async throws {
            let (_, register) = try await global.register()
            let user = AuditTrail.user()
            try CampaignLifecycle(register: register).approve(slug, by: user)
            print(StaffText.say("approve.done", ["slug": slug, "user": user]))
        }
    }
}

extension CampaignCommand.Create: AuditedCommand { static let auditName = "campaign create" }
extension CampaignCommand.Notice: AuditedCommand { static let auditName = "campaign notice" }
extension CampaignCommand.Launch: AuditedCommand { static let auditName = "campaign launch" }
extension CampaignCommand.Pause: AuditedCommand { static let auditName = "campaign pause" }
extension CampaignCommand.Resume: AuditedCommand { static let auditName = "campaign resume" }
extension CampaignCommand.Cancel: AuditedCommand { static let auditName = "campaign cancel" }
extension CampaignCommand.Retry: AuditedCommand { static let auditName = "campaign retry" }
extension CampaignCommand.Delete: AuditedCommand { static let auditName = "campaign delete" }
extension CampaignCommand.Approve: AuditedCommand { static let auditName = "campaign approve" }
extension Contacts.Import: AuditedCommand { static let auditName = "contacts import" }
extension Contacts.Unsubscribe: AuditedCommand { static let auditName = "contacts unsubscribe" }
extension Contacts.Forget: AuditedCommand { static let auditName = "contacts forget" }
extension RestoreCommand: AuditedCommand { static let auditName = "restore" }
