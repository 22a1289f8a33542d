import ArgumentParser
import Foundation
import OutreachCore

/// `outreach campaign …`: drafts, previews, launches and their control.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Create, preview, launch and steer campaigns.",
        subcommands: [Create.self, List.self, Preview.self, Launch.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a draft campaign (the template's texts are frozen into it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Short name, e.g. tet-2027.") var slug: String
        @Option(help: "Template folder name under Templates/.") var template: String
        @Option(help: "Event file (YAML), e.g. Config/events/new-year-gathering-2027.yaml.") var event: String?
        @Option(help: "Segment expression.") var segment: String = ""
        @Option(help: "Subject for every language instead of the template's.") var subject: String?

        func run() async throws {
            let (settings, register) = try await global.register()
            let (campaign, summary) = try register.createCampaign(
                slug: slug, templateName: template, templatesRoot: settings.templatesPath, eventFile: event,
                segment: segment, subject: subject)
            print("Created campaign \(campaign.slug) (\(campaign.templateName), \(campaign.purpose.rawValue)): \(summary.total) recipient\(summary.total == 1 ? "" : "s") now")
            for (language, count) in summary.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
            if summary.fallbacks > 0 {
                printError("warning: \(summary.fallbacks) recipient\(summary.fallbacks == 1 ? "" : "s") will get a fallback language (the template has \(try campaign.template.languages.keys.sorted().joined(separator: ", ")))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List campaigns with their state and counts.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let (_, register) = try await global.register()
            let rows = try register.allCampaigns().map { c -> [String] in
                let counts = try register.outboxCounts(campaignID: c.id!)
                let total = counts.values.reduce(0, +)
                return [c.slug, c.status.rawValue, c.templateName, c.segment.isEmpty ? "(all)" : c.segment,
                        "\(counts["sent", default: 0])/\(total)", "\(counts["failed", default: 0])", c.createdAt]
            }
            print(table(["slug", "status", "template", "segment", "sent", "failed", "created"], rows))
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write each recipient's message as an .eml file; sends nothing.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Option(help: "Only this contact.") var contact: String?
        @Option(help: "Folder for the .eml files.") var out: String = "preview"

        func run() async throws {
            let (settings, register) = try await global.register()
            let campaign = try register.campaign(slug)
            let composer = try InvitationComposer(campaign: campaign, sender: settings.sender, links: try settings.links())
            let recipients = try register.recipients(campaign, only: contact)
            if let contact, recipients.isEmpty {
                throw CampaignError.noRecipient("\(contact) is not a recipient of \(slug) (not in its segment, without the consent it needs, or suppressed)")
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var byLanguage: [String: Int] = [:]
            let bar = ProgressBar(label: "Previewing")
            for (i, c) in recipients.enumerated() {
                let message = composer.compose(c)
                byLanguage[message.language, default: 0] += 1
                let name = c.email.replacingOccurrences(of: "/", with: "_")
                try Data(message.bytes).write(to: URL(fileURLWithPath: "\(out)/\(name).eml"))
                if i % 500 == 0 { bar.update(i, of: recipients.count) }
            }
            bar.finish()
            print("Wrote \(recipients.count) message\(recipients.count == 1 ? "" : "s") to \(out)/ (nothing sent)")
            for (language, count) in byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
        }
    }

    struct Launch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue the campaign's messages; the daemon sends them.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Option(help: "Start at this time (ISO 8601, e.g. 2027-01-20T08:00:00+07:00).") var at: String?

        func run() async throws {
            var start: Date?
            if let at {
                guard let date = ISO8601DateFormatter().date(from: at) else {
                    throw ValidationError("--at \(at) is not an ISO 8601 time like 2027-01-20T08:00:00+07:00")
                }
                start = date
            }
            let (_, register) = try await global.register()
            let (campaign, added) = try register.launch(slug, at: start)
            let total = try register.outboxCounts(campaignID: campaign.id!).values.reduce(0, +)
            print("\(campaign.slug): \(added) message\(added == 1 ? "" : "s") queued (\(total) in all), \(campaign.status.rawValue)\(start.map { " from \(ISO8601DateFormatter().string(from: $0))" } ?? "")")
        }
    }
}
