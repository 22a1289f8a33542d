import ArgumentParser
import Foundation
import Logging
import OutreachBounces
import OutreachLinks
import OutreachModel
import OutreachRegister

/// `outreach bounces …`: what the bounce mailbox said.
struct BouncesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bounces",
        abstract: "What the bounce mailbox said: delivery reports, complaints, mailto unsubscribes.",
        subcommands: [List.self, Poll.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List bounces, complaints and mailto unsubscribes, newest first.",
            discussion: """
                One line each: when it was recorded, the contact and campaign it is about, its kind \
                (hard, soft, policy, complaint, auto-reply, unsubscribe, other, unmatched, unreadable), \
                the status code, the remote server's words and what it changed. Refusals of a \
                recipient while sending (source smtp) are listed with the mailbox's reports.
                """)
        @OptionGroup var global: GlobalOptions
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: "How to print them.") var format: Format = .table
        @Option(help: "At most this many, newest first.") var limit: Int = 1000

        func validate() throws {
            guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let (_, register) = try await global.register()
            let list = try register.bounces(limit: limit)
            if format == .json { print(try jsonText(list)); return }
            guard !list.isEmpty else { print("No bounces recorded."); return }
            // Reports are written by strangers: no control character of theirs reaches the terminal.
            func shown(_ text: String?, _ width: Int = 60) -> String { String(OutsideText.cleaned(text ?? "-").prefix(width)) }
            print(table(["received", "contact", "campaign", "kind", "status", "diagnostic", "outcome"], list.map { b in
                [b.receivedAt, shown(b.contact), b.campaign ?? "-", b.kind, shown(b.status, 12), shown(b.diagnostic), b.outcome]
            }))
        }
    }

    struct Poll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "poll",
            abstract: "Read the bounce mailbox once now (what serve does every bounces.poll_interval).",
            discussion: "Prints how many messages were read, handled and kept, and the kinds recorded.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let (settings, register) = try await global.register()
            guard let url = settings.bouncesMailboxURL, let returnAddress = try settings.links().returnAddress else {
                throw Settings.Failure(key: "bounces.mailbox_url", problem: "not set (and bounces.address with it): there is no mailbox to read")
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
            print("read \(summary.read), handled \(summary.handled), kept \(summary.kept) in \(String(format: "%.2f", seconds)) s"
                  + (kinds.isEmpty ? "" : ": " + kinds.joined(separator: ", ")))
        }
    }
}
