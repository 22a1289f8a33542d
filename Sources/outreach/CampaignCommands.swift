import ArgumentParser
import Foundation
import OutreachCampaigns
import OutreachCompose
import OutreachDelivery
import OutreachLinks
import OutreachModel
import OutreachRegister

/// `outreach campaign …`: drafts, previews, launches and their control.
struct CampaignCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "campaign",
        abstract: StaffText.say("help.campaigncommand.abstract"),
        subcommands: [Create.self, Notice.self, List.self, Preview.self, Test.self, Launch.self, Status.self, Pause.self, Resume.self,
                      Cancel.self, Retry.self, RSVPs.self, Check.self, Delete.self, Approve.self]
    ) }

    struct Create: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "create", abstract: StaffText.say("help.campaigncommand.create.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaigncommand.create.slug")) var slug: String
        @Option(help: staffHelp("help.campaigncommand.create.template"), completion: .templateNames) var template: String
        @Option(help: staffHelp("help.campaigncommand.create.event")) var event: String?
        @Option(help: staffHelp("help.campaigncommand.create.segment")) var segment: String = ""
        @Option(help: staffHelp("help.campaigncommand.create.to")) var to: String?
        @Option(help: staffHelp("help.campaigncommand.create.subject")) var subject: String?
        @Option(help: staffHelp("help.campaigncommand.create.topic")) var topic: String?
        @Option(name: .customLong("reminder-of"), help: staffHelp("help.campaigncommand.create.reminder_of"), completion: .campaignSlugs)
        var reminderOf: String?
        @Option(help: staffHelp("help.campaigncommand.create.at"))
        var at: String?

        func validate() throws {
            if let at, ReminderTime(at) == nil { throw ValidationError(StaffText.say("create.bad_at", ["text": at])) }
            if at != nil, reminderOf == nil { throw ValidationError(StaffText.say("create.at_needs_reminder")) }
            if reminderOf != nil, event != nil || topic != nil { throw ValidationError(StaffText.say("create.reminder_has_event")) }
            if let to, to != "unanswered" { throw ValidationError(StaffText.say("create.bad_to", ["text": to])) }
            if to != nil, reminderOf == nil { throw ValidationError(StaffText.say("create.to_needs_reminder")) }
        }

        func run() async throws {
            let (settings, register) = try await global.register()
            let lifecycle = CampaignLifecycle(register: register)
            let (campaign, summary) = try reminderOf.map {
                try lifecycle.createReminder(slug: slug, of: $0, templateName: template, templatesRoot: settings.templatesPath,
                                            at: at.flatMap(ReminderTime.init), segment: to == "unanswered" ? "\(segment) rsvp=none" : segment)
            } ?? lifecycle.create(
                slug: slug, templateName: template, templatesRoot: settings.templatesPath, eventFile: event,
                segment: segment, subject: subject, topic: topic, topics: settings.topics)
            try lifecycle.recordCreator(campaign.slug, user: AuditTrail.user())
            if let parent = campaign.parentSlug {
                let date = campaign.reminderDate.map(settings.officeClock.show)
                switch (campaign.sendAt, date) {
                case let (rule?, date?): print(StaffText.say("create.reminder_at_date", ["parent": parent, "rule": rule, "date": date]))
                case let (rule?, nil): print(StaffText.say("create.reminder_at", ["parent": parent, "rule": rule]))
                default: print(StaffText.say("create.reminder", ["parent": parent]))
                }
            }
            let purpose = StaffText.say("campaign.purpose." + campaign.purpose.rawValue.replacingOccurrences(of: "-", with: "_"))
            print(StaffText.say("create.done", ["slug": campaign.slug, "template": campaign.templateName, "purpose": purpose, "n": summary.total]))
            for (language, count) in summary.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
            if summary.fallbacks > 0 {
                let languages = try InvitationTemplate(snapshot: campaign.templateSnapshot).languages.keys.sorted().joined(separator: ", ")
                printError(StaffText.say("create.fallbacks", ["n": summary.fallbacks, "languages": languages]))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: StaffText.say("help.campaigncommand.list.abstract")) }
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let (settings, register) = try await global.register()
            let clock = settings.officeClock
            let rows = try register.allCampaigns().map { c -> [String] in
                let counts = try register.outboxCounts(campaignID: c.id!)
                let total = counts.values.reduce(0, +)
                let starts = c.scheduledAtMs.map { clock.show(Date(timeIntervalSince1970: Double($0) / 1000)) } ?? ""
                return [c.slug, StaffText.say("campaign.status." + c.status.rawValue), c.templateName,
                        c.segment.isEmpty ? StaffText.say("list.all") : c.segment,
                        "\(counts["sent", default: 0])/\(total)", "\(counts["failed", default: 0])", starts,
                        Timestamp.date(c.createdAt).map(clock.show) ?? c.createdAt,
                        c.status == .paused ? c.pauseReason ?? StaffText.say("list.paused_by_staff") : ""]
            }
            let header = ["slug", "status", "template", "segment", "sent", "failed", "starts", "created", "reason"]
            print(table(header.map { StaffText.say("list.column." + $0) }, rows))
        }
    }

    struct Preview: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "preview", abstract: StaffText.say("help.campaigncommand.preview.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Option(help: staffHelp("help.campaigncommand.preview.contact")) var contact: String?
        @Option(help: staffHelp("help.campaigncommand.preview.out")) var out: String = "preview"
        @Flag(help: staffHelp("help.campaigncommand.preview.timing")) var timing = false

        func run() async throws {
            let (settings, register) = try await global.register()
            let (campaign, recipients) = try CampaignLifecycle(register: register).preview(slug, only: contact)
            let composer = try InvitationComposer(campaign: campaign, sender: settings.sender, links: try register.links(settings),
                                                  signer: try settings.dkimSigner())
            if timing {
                let clock = ContinuousClock()
                var bytes = 0
                let elapsed = clock.measure { for c in recipients { bytes += composer.compose(c).bytes.count } }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print(StaffText.say("preview.timing", ["n": recipients.count, "bytes": bytes / max(1, recipients.count),
                                                       "seconds": String(format: "%.3f", seconds), "rate": Int(Double(recipients.count) / seconds)]))
                return
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var byLanguage: [String: Int] = [:]
            let bar = ProgressBar(label: StaffText.say("preview.progress"))
            for (i, c) in recipients.enumerated() {
                let message = composer.compose(c)
                byLanguage[message.language, default: 0] += 1
                let name = String(c.email.map { $0 == "/" ? "_" : $0 })
                try PrivateFile.write(message.bytes, to: "\(out)/\(name).eml")
                if i % 500 == 0 { bar.update(i, of: recipients.count) }
            }
            bar.finish()
            print(StaffText.say("preview.done", ["n": recipients.count, "dir": out]))
            for (language, count) in byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
        }
    }

    struct Launch: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "launch", abstract: StaffText.say("help.campaigncommand.launch.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Option(help: staffHelp("help.campaigncommand.launch.at")) var at: String?
        @Flag(help: staffHelp("help.yes")) var yes = false

        func run() async throws {
            let settings = try await global.settings()
            let clock = settings.officeClock
            var start: Date?
            if let at {
                // Without an offset, the time is the office's (office.time_zone); checked before the register is opened.
                guard let date = clock.parse(at) else { throw ValidationError(StaffText.say("launch.bad_at", ["text": at])) }
                start = date
            }
            let register = try Register(path: settings.databasePath, officeZone: settings.officeTimeZone)
            let lifecycle = CampaignLifecycle(register: register)
            // The count by language is only for the question: without one, no scan of every contact.
            let checks = try lifecycle.checks(slug, at: start, requireApproval: settings.requireApproval,
                                              counting: Terminal.willAsk(yes: yes))
            guard checks.refusals.isEmpty else { throw LaunchChecks.Refused(slug: slug, refusals: checks.refusals) }
            for w in checks.warnings { printError(StaffText.say("check.warning", ["text": w])) }
            let when = start.map(clock.show) ?? StaffText.say("launch.now")
            let languages = checks.summary.byLanguage.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            guard Terminal.confirm(StaffText.say("launch.confirm", ["slug": slug, "n": checks.summary.total, "languages": languages, "when": when,
                                                                    "relays": settings.relays.joined(separator: ", ")]), yes: yes) else { throw NotConfirmed(what: "campaign launch \(slug)") }
            let (campaign, added, total) = try lifecycle.launch(slug, at: start, after: checks)
            let from = campaign.status == .scheduled ? campaign.scheduledAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } : nil
            let status = StaffText.say("campaign.status." + campaign.status.rawValue)
            if let from {
                print(StaffText.say("launch.queued_from", ["slug": campaign.slug, "added": added, "total": total, "status": status, "start": clock.show(from)]))
            } else {
                print(StaffText.say("launch.queued", ["slug": campaign.slug, "added": added, "total": total, "status": status]))
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "status", abstract: StaffText.say("help.campaigncommand.status.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.campaign.slug"), completion: .campaignSlugs) var slug: String
        @Flag(help: staffHelp("help.campaigncommand.status.watch")) var watch = false
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: staffHelp("help.campaigncommand.status.format")) var format: Format = .table

        func run() async throws {
            let (settings, register) = try await global.register()
            let lifecycle = CampaignLifecycle(register: register)
            if watch {
                let bar = ProgressBar(label: slug)
                while true {
                    let s = try lifecycle.status(slug)
                    if bar.enabled {
                        bar.update(s.done, of: max(s.total, 1), suffix: StaffText.say("status.progress", ["sent": s.sent, "retry": s.retry, "failed": s.failed,
                                                                                                  "rate": String(format: "%.0f", s.rate)]))
                    }
                    if ["finished", "cancelled", "draft"].contains(s.status) || (s.status == "paused" && s.sending == 0) {
                        bar.finish()
                        break
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            var s = try lifecycle.status(slug)
            let clock = settings.officeClock
            // JSON keeps ISO 8601, with the office's offset.
            if let start = s.startsAt { s.scheduledAt = clock.iso(start) }
            if format == .json { print(try jsonText(s)); return }
            print(CampaignStatusText(status: s, clock: clock).lines.joined(separator: "\n"))
        }
    }
}

/// A file of personal data or live links (a previewed message, the rejected rows of an import),
/// readable by its owner only, whatever the umask, even when it replaces an older file. Written
/// plainly, without the sync per file that `Data.write` does: it is for reading, not a record,
/// and syncing made writing ten thousand previews take seconds.
enum PrivateFile {
    struct Failure: StaffFacingError {
        let path: String
        let code: Int32
        var message: StaffMessage { StaffMessage("file.cannot_write", ["path": path, "reason": String(cString: strerror(code))]) }
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        // 0600: a preview carries live links (unsubscribe, confirm, RSVP) for a real person; rejected rows, names and addresses.
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: path, code: errno) }
        defer { close(fd) }
        guard fchmod(fd, 0o600) == 0 else { throw Failure(path: path, code: errno) }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Failure(path: path, code: errno)
                }
                done += n
            }
        }
    }
}
