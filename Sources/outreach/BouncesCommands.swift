import ArgumentParser
import Foundation
import Logging
import OutreachBounces
import OutreachCampaigns
import OutreachLinks
import OutreachModel
import OutreachRegister

/// `outreach bounces …`: what the bounce mailbox said.
struct BouncesCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "bounces",
        abstract: StaffText.say("help.bouncescommand.abstract"),
        subcommands: [List.self, Poll.self]
    ) }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(
            commandName: "list",
            abstract: StaffText.say("help.bouncescommand.list.abstract"),
            discussion: StaffText.say("help.bouncescommand.list.discussion")) }
        @OptionGroup var global: GlobalOptions
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: staffHelp("help.bouncescommand.list.format")) var format: Format = .table
        @Option(help: staffHelp("help.bouncescommand.list.limit")) var limit: Int = 1000

        func validate() throws {
            guard limit >= 1 else { throw ValidationError(StaffText.say("bounces.bad_limit")) }
        }

        func run() async throws {
            let (_, register) = try await global.register()
            let list = try register.bounces(limit: limit)
            if format == .json { print(try jsonText(list)); return }
            guard !list.isEmpty else { print(StaffText.say("bounces.none")); return }
            // Reports are written by strangers: no control character of theirs reaches the terminal.
            func shown(_ text: String?, _ width: Int = 60) -> String { String(OutsideText.cleaned(text ?? "-").prefix(width)) }
            print(table(["received", "contact", "campaign", "kind", "status", "diagnostic", "outcome"].map { StaffText.say("bounces.column." + $0) }, list.map { b in
                [b.receivedAt, shown(b.contact), b.campaign ?? "-", b.kind, shown(b.status, 12), shown(b.diagnostic), b.outcome]
            }))
        }
    }

    struct Poll: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(
            commandName: "poll",
            abstract: StaffText.say("help.bouncescommand.poll.abstract"),
            discussion: StaffText.say("help.bouncescommand.poll.discussion")) }
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (settings, register) = try await global.register()
            guard let url = settings.bouncesMailboxURL, let returnAddress = try register.links(settings).returnAddress else {
                throw Settings.Failure(key: "bounces.mailbox_url", problem: StaffMessage("config.no_mailbox"))
            }
            let mailbox = try CurlIMAPMailbox(settings: settings)
            let verdicts = BounceVerdicts(returnAddress: returnAddress)
            // Only what staff must see (messages kept for them), on standard error.
            var logger = Logger(label: "outreach") { CleanedLogHandler(inner: StreamLogHandler.standardError(label: $0)) }
            logger.logLevel = .warning
            let started = Date()
            let summary = try MailboxPoll(mailbox: mailbox, url: url, register: register, verdicts: verdicts, logger: logger)
                .run(recover: true)
            let seconds = Date().timeIntervalSince(started)
            let kinds = summary.kinds.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
            print(StaffText.say("bounces.polled", ["read": summary.read, "handled": summary.handled, "kept": summary.kept,
                                                   "seconds": String(format: "%.2f", seconds)]) + (kinds.isEmpty ? "" : ": " + kinds.joined(separator: ", ")))
        }
    }
}
