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
        @Option(help: staffHelp("help.campaigncommand.create.template")) var template: String
        @Option(help: staffHelp("help.campaigncommand.create.event")) var event: String?
        @Option(help: staffHelp("help.campaigncommand.create.segment")) var segment: String = ""
        @Option(help: staffHelp("help.campaigncommand.create.to")) var to: String?
        @Option(help: staffHelp("help.campaigncommand.create.subject")) var subject: String?
        @Option(help: staffHelp("help.campaigncommand.create.topic")) var topic: String?
        @Option(name: .customLong("reminder-of"), help: staffHelp("help.campaigncommand.create.reminder_of"))
        var reminderOf: String?
        @Option(help: staffHelp("help.campaigncommand.create.at"))
        var at: String?

        func validate() throws {
            if let at, ReminderTime(at) == nil {
                throw ValidationError("--at \(at) is not event-2d, event-36h, event-1w or an ISO 8601 time like 2027-01-28T09:00:00+07:00")
            }
            if at != nil, reminderOf == nil { throw ValidationError("--at goes with --reminder-of (an invitation is timed by campaign launch --at)") }
            if reminderOf != nil, event != nil || topic != nil {
                throw ValidationError("a reminder has its invitation's event and topic: drop --event and --topic")
            }
            if let to, to != "unanswered" { throw ValidationError("--to \(to) is not unanswered") }
            if to != nil, reminderOf == nil { throw ValidationError("--to goes with --reminder-of") }
        }

        func run() async throws {
            let (settings, register) = try await global.register()
            let (campaign, summary) = try reminderOf.map {
                try register.createReminder(slug: slug, of: $0, templateName: template, templatesRoot: settings.templatesPath,
                                            at: at.flatMap(ReminderTime.init), segment: to == "unanswered" ? "\(segment) rsvp=none" : segment)
            } ?? register.createCampaign(
                slug: slug, templateName: template, templatesRoot: settings.templatesPath, eventFile: event,
                segment: segment, subject: subject, topic: topic, topics: settings.topics)
            try register.recordCreator(campaign.slug, user: AuditTrail.user())
            if let parent = campaign.parentSlug {
                var when = ""
                if let rule = campaign.sendAt { when = ", to be sent at \(rule)" }
                if let date = campaign.reminderDate { when += " (\(ISO8601DateFormatter().string(from: date)))" }
                print("Reminder of \(parent)\(when)")
            }
            print("Created campaign \(campaign.slug) (\(campaign.templateName), \(campaign.purpose.rawValue)): \(summary.total) recipient\(summary.total == 1 ? "" : "s") now")
            for (language, count) in summary.byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
            if summary.fallbacks > 0 {
                printError("warning: \(summary.fallbacks) recipient\(summary.fallbacks == 1 ? "" : "s") will get a fallback language (the template has \(try InvitationTemplate(snapshot: campaign.templateSnapshot).languages.keys.sorted().joined(separator: ", ")))")
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
        @Argument var slug: String
        @Option(help: staffHelp("help.campaigncommand.preview.contact")) var contact: String?
        @Option(help: staffHelp("help.campaigncommand.preview.out")) var out: String = "preview"
        @Flag(help: staffHelp("help.campaigncommand.preview.timing")) var timing = false

        func run() async throws {
            let (settings, register) = try await global.register()
            let campaign = try register.campaign(slug)
            let composer = try InvitationComposer(campaign: campaign, sender: settings.sender, links: try register.links(settings),
                                                  signer: try settings.dkimSigner())
            let recipients = try register.recipients(campaign, only: contact).map(\.recipient)
            if let contact, recipients.isEmpty {
                throw CampaignError.notARecipient(contact: contact, slug: slug)
            }
            if timing {
                let clock = ContinuousClock()
                var bytes = 0
                let elapsed = clock.measure { for c in recipients { bytes += composer.compose(c).bytes.count } }
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                print("composed \(recipients.count) messages (\(bytes / max(1, recipients.count)) bytes each) in \(String(format: "%.3f", seconds)) s: \(Int(Double(recipients.count) / seconds)) messages/s on one core")
                return
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            var byLanguage: [String: Int] = [:]
            let bar = ProgressBar(label: "Previewing")
            for (i, c) in recipients.enumerated() {
                let message = composer.compose(c)
                byLanguage[message.language, default: 0] += 1
                let name = String(c.email.map { $0 == "/" ? "_" : $0 })
                try PrivateFile.write(message.bytes, to: "\(out)/\(name).eml")
                if i % 500 == 0 { bar.update(i, of: recipients.count) }
            }
            bar.finish()
            print("Wrote \(recipients.count) message\(recipients.count == 1 ? "" : "s") to \(out)/ (nothing sent)")
            for (language, count) in byLanguage.sorted(by: { $0.key < $1.key }) { print("  \(language)  \(count)") }
        }
    }

    struct Launch: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "launch", abstract: StaffText.say("help.campaigncommand.launch.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
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
            let checks = try register.launchChecks(slug, at: start, requireApproval: settings.requireApproval)
            guard checks.refusals.isEmpty else { throw LaunchChecks.Refused(slug: slug, refusals: checks.refusals) }
            for w in checks.warnings { printError(StaffText.say("check.warning", ["text": w])) }
            let when = start.map(clock.show) ?? StaffText.say("launch.now")
            let languages = checks.summary.byLanguage.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            guard Terminal.confirm(StaffText.say("launch.confirm", ["slug": slug, "n": checks.summary.total, "languages": languages, "when": when,
                                                                    "relays": settings.relays.joined(separator: ", ")]), yes: yes) else { throw NotConfirmed(what: "campaign launch \(slug)") }
            let (campaign, added, total) = try register.launch(slug, at: start)
            let from = campaign.status == .scheduled ? campaign.scheduledAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } : nil
            let status = StaffText.say("campaign.status." + campaign.status.rawValue)
            if let from {
                print(StaffText.say("launch.queued_from", ["slug": campaign.slug, "added": added, "total": total, "status": status, "start": clock.show(from)]))
            } else {
                print(StaffText.say("launch.queued", ["slug": campaign.slug, "added": added, "total": total, "status": status]))
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "test", abstract: StaffText.say("help.campaigncommand.test.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Option(help: staffHelp("help.campaigncommand.test.to")) var to: String

        func run() async throws {
            let (settings, register) = try await global.register()
            let address: EmailAddress
            do { address = try EmailAddress(to) } catch { throw ValidationError("--to \(to) \(error)") }
            let result = try await TestMessage(register: register, settings: settings).send(slug, to: address)
            guard result.word == "sent" else {
                throw CampaignError.testNotSent(to: address.value, reply: result.reply ?? result.word)
            }
            print("Test message sent to \(address.value) (\(result.message.language)): \(result.reply ?? "accepted")")
        }
    }

    struct Status: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "status", abstract: StaffText.say("help.campaigncommand.status.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Flag(help: staffHelp("help.campaigncommand.status.watch")) var watch = false
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: staffHelp("help.campaigncommand.status.format")) var format: Format = .table

        func run() async throws {
            let (settings, register) = try await global.register()
            if watch {
                let bar = ProgressBar(label: slug)
                while true {
                    let s = try register.status(slug)
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
            var s = try register.status(slug)
            let clock = settings.officeClock
            // JSON keeps ISO 8601, with the office's offset.
            if let start = s.startsAt { s.scheduledAt = clock.iso(start) }
            if format == .json { print(try jsonText(s)); return }
            print(CampaignStatusText(status: s, clock: clock).lines.joined(separator: "\n"))
        }
    }

    struct Pause: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "pause", abstract: StaffText.say("help.campaigncommand.pause.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, _) = try register.control(slug, .pause)
            print("\(c.slug): \(c.status.rawValue)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "resume", abstract: StaffText.say("help.campaigncommand.resume.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, _) = try register.control(slug, .resume)
            print("\(c.slug): \(c.status.rawValue)")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "cancel", abstract: StaffText.say("help.campaigncommand.cancel.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, n) = try register.control(slug, .cancel)
            print("\(c.slug): cancelled; \(n) queued message\(n == 1 ? "" : "s") will not be sent")
        }
    }

    struct Retry: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "retry", abstract: StaffText.say("help.campaigncommand.retry.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Flag(help: staffHelp("help.campaigncommand.retry.unconfirmed")) var unconfirmed = false
        func run() async throws {
            let (_, register) = try await global.register()
            let n = try register.retry(slug, unconfirmed: unconfirmed)
            let c = try register.campaign(slug)
            print("\(slug): \(n) message\(n == 1 ? "" : "s") requeued (\(c.status.rawValue))")
        }
    }

    struct RSVPs: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "rsvps", abstract: StaffText.say("help.campaigncommand.rsvps.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        @Option(help: staffHelp("help.campaigncommand.rsvps.format")) var format: Format = .csv
        func run() async throws {
            let (settings, register) = try await global.register()
            let clock = settings.officeClock
            var list = try register.rsvps(slug)
            let totals = (invited: list.count, yes: list.filter { $0.answer == "yes" }.count, no: list.filter { $0.answer == "no" }.count,
                          guests: list.filter { $0.answer == "yes" }.map(\.guests).reduce(0, +))
            if format == .json {
                for i in list.indices { list[i].answeredAt = list[i].answeredAt.flatMap(Timestamp.date).map(clock.iso) ?? list[i].answeredAt }
                print(try jsonText(list))
            } else {
                // UTF-8 with BOM, so Excel reads the names right.
                print("\u{FEFF}email,name,language,answer,guests,seat,answered_at")
                for r in list {
                    let answered = r.answeredAt.map { Timestamp.date($0).map(clock.show) ?? $0 } ?? ""
                    print([r.email, r.name, r.language ?? "", r.answer, "\(r.guests)", r.seat ?? "", answered].map(csvField).joined(separator: ","))
                }
            }
            // The totals go to standard error: the file on standard output stays one row per person.
            printError(StaffText.say("rsvps.totals", ["invited": totals.invited, "yes": totals.yes, "guests": totals.guests, "no": totals.no,
                                                      "none": totals.invited - totals.yes - totals.no]))
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
