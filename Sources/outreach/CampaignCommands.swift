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
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Create, preview, launch and steer campaigns.",
        subcommands: [Create.self, Notice.self, List.self, Preview.self, Test.self, Launch.self, Status.self, Pause.self, Resume.self,
                      Cancel.self, Retry.self, RSVPs.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a draft campaign (the template's texts are frozen into it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Short name, e.g. tet-2027.") var slug: String
        @Option(help: "Template folder name under Templates/.") var template: String
        @Option(help: "Event file (YAML), e.g. Config/events/new-year-gathering-2027.yaml.") var event: String?
        @Option(help: "Segment expression (with --reminder-of also rsvp=yes|no|none|waitlisted and attended=yes|no).") var segment: String = ""
        @Option(help: "With --reminder-of: unanswered (those who have not answered; the same as --segment rsvp=none).") var to: String?
        @Option(help: "Subject for every language instead of the template's.") var subject: String?
        @Option(name: .customLong("reminder-of"), help: "Make a reminder of this invitation campaign: its recipients who were sent it and have not declined.")
        var reminderOf: String?
        @Option(help: "With --reminder-of: when to send it, before the event (event-2d, event-36h, event-1w; moves with the event) or ISO 8601.")
        var at: String?

        func validate() throws {
            if let at, ReminderTime(at) == nil {
                throw ValidationError("--at \(at) is not event-2d, event-36h, event-1w or an ISO 8601 time like 2027-01-28T09:00:00+07:00")
            }
            if at != nil, reminderOf == nil { throw ValidationError("--at goes with --reminder-of (an invitation is timed by campaign launch --at)") }
            if reminderOf != nil, event != nil {
                throw ValidationError("a reminder has its invitation's event: drop --event")
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
                segment: segment, subject: subject)
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
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List campaigns with their state and counts.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let (_, register) = try await global.register()
            let rows = try register.allCampaigns().map { c -> [String] in
                let counts = try register.outboxCounts(campaignID: c.id!)
                let total = counts.values.reduce(0, +)
                return [c.slug, c.status.rawValue, c.templateName, c.segment.isEmpty ? "(all)" : c.segment,
                        "\(counts["sent", default: 0])/\(total)", "\(counts["failed", default: 0])", c.createdAt,
                        c.status == .paused ? c.pauseReason ?? "by staff" : ""]
            }
            print(table(["slug", "status", "template", "segment", "sent", "failed", "created", "reason"], rows))
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "preview", abstract: "Write each recipient's message as an .eml file; sends nothing.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Option(help: "Only this contact.") var contact: String?
        @Option(help: "Folder for the .eml files.") var out: String = "preview"
        @Flag(help: "Compose in memory only and print how fast (render + MIME), writing nothing.") var timing = false

        func run() async throws {
            let (settings, register) = try await global.register()
            let campaign = try register.campaign(slug)
            let composer = try InvitationComposer(campaign: campaign, sender: settings.sender, links: try settings.links(),
                                                  signer: try settings.dkimSigner())
            let recipients = try register.recipients(campaign, only: contact).map(\.recipient)
            if let contact, recipients.isEmpty {
                throw CampaignError.noRecipient("\(contact) is not a recipient of \(slug) (not in its segment, without the consent it needs, or suppressed)")
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
        static let configuration = CommandConfiguration(commandName: "launch", abstract: "Queue the campaign's messages; the daemon sends them.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Option(help: "Start at this time (ISO 8601, e.g. 2027-01-20T08:00:00+07:00).") var at: String?

        /// `--at` as a time; checked before anything runs.
        var start: Date? { at.flatMap { ISO8601DateFormatter().date(from: $0) } }

        func validate() throws {
            if let at, start == nil { throw ValidationError("--at \(at) is not an ISO 8601 time like 2027-01-20T08:00:00+07:00") }
        }

        func run() async throws {
            let start = self.start
            let (_, register) = try await global.register()
            let (campaign, added, total) = try register.launch(slug, at: start)
            let from = campaign.status == .scheduled ? campaign.scheduledAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) } : nil
            print("\(campaign.slug): \(added) message\(added == 1 ? "" : "s") queued (\(total) in all), \(campaign.status.rawValue)\(from.map { " from \(ISO8601DateFormatter().string(from: $0))" } ?? "")")
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "test", abstract: "Send one rendered message now, marked as a test (outside the campaign's counts).")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Option(help: "Where to send it.") var to: String

        func run() async throws {
            let (settings, register) = try await global.register()
            let address: EmailAddress
            do { address = try EmailAddress(to) } catch { throw ValidationError("--to \(to) \(error)") }
            let result = try await TestMessage(register: register, settings: settings).send(slug, to: address)
            guard result.word == "sent" else {
                throw CampaignError.noRecipient("test message to \(address.value) not sent: \(result.reply ?? result.word)")
            }
            print("Test message sent to \(address.value) (\(result.message.language)): \(result.reply ?? "accepted")")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Counts per state, rate, ETA, RSVPs; --watch follows it live.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Flag(help: "Redraw until the campaign is finished, cancelled or paused with nothing in flight.") var watch = false
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: "How to print it.") var format: Format = .table

        func run() async throws {
            let (_, register) = try await global.register()
            if watch {
                let bar = ProgressBar(label: slug)
                while true {
                    let s = try register.status(slug)
                    if bar.enabled {
                        bar.update(s.done, of: max(s.total, 1), suffix: "sent \(s.sent) retry \(s.retry) failed \(s.failed) \(String(format: "%.0f", s.rate))/s")
                    }
                    if ["finished", "cancelled", "draft"].contains(s.status) || (s.status == "paused" && s.sending == 0) {
                        bar.finish()
                        break
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            let s = try register.status(slug)
            if format == .json { print(try jsonText(s)); return }
            print("""
                \(s.slug): \(s.status)\(s.reason.map { "\n  reason: \(OutsideText.cleaned($0))" } ?? "")
                  queued \(s.queued)  sending \(s.sending)  sent \(s.sent)  retry \(s.retry)  failed \(s.failed)  skipped \(s.skipped)  cancelled \(s.cancelled)  unconfirmed \(s.unconfirmed)  (of \(s.total))
                  rate \(String(format: "%.1f", s.rate))/s  ETA \(s.etaSeconds.map { "\($0)s" } ?? "unknown")  unknown outcomes \(s.unknownOutcomes)  tests \(s.tests)
                  RSVP yes \(s.rsvp.yes) (+\(s.rsvp.guests) guests)  no \(s.rsvp.no)  confirmed \(s.rsvp.confirmed)  waitlisted \(s.rsvp.waitlisted)  offered \(s.rsvp.offered)  checked in \(s.rsvp.checkedIn)
                """)
            for r in s.relays {
                // The daemon writes a relay's state only when it changes (cooling, faulted, up again).
                let state = r.state ?? (r.sent > 0 ? "no fault seen" : "not used yet")
                print("  relay \(r.url): \(state)\(r.reason.map { " (\(OutsideText.cleaned($0)))" } ?? "")  sent \(r.sent)")
            }
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pause", abstract: "Stop sending (the daemon honours it within a second).")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, _) = try register.control(slug, .pause)
            print("\(c.slug): \(c.status.rawValue)")
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused campaign.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, _) = try register.control(slug, .resume)
            print("\(c.slug): \(c.status.rawValue)")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel: what is still queued is never sent.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        func run() async throws {
            let (_, register) = try await global.register()
            let (c, n) = try register.control(slug, .cancel)
            print("\(c.slug): cancelled; \(n) queued message\(n == 1 ? "" : "s") will not be sent")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Requeue the failed messages whose address is not suppressed.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        @Flag(help: "Also those whose final reply was lost (they may have arrived: the person may get two).") var unconfirmed = false
        func run() async throws {
            let (_, register) = try await global.register()
            let n = try register.retry(slug, unconfirmed: unconfirmed)
            let c = try register.campaign(slug)
            print("\(slug): \(n) message\(n == 1 ? "" : "s") requeued (\(c.status.rawValue))")
        }
    }

    struct RSVPs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rsvps", abstract: "List the answers to the campaign's event.")
        @OptionGroup var global: GlobalOptions
        @Argument var slug: String
        enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }
        @Option(help: "How to print them.") var format: Format = .csv
        func run() async throws {
            let (_, register) = try await global.register()
            let list = try register.rsvps(slug)
            if format == .json { print(try jsonText(list)); return }
            print("email,name,answer,guests,seat,answered_at")
            for r in list { print([r.email, r.name, r.answer, "\(r.guests)", r.seat ?? "", r.answeredAt].map(csvField).joined(separator: ",")) }
        }
    }
}

/// A file of personal data or live links (a previewed message, the rejected rows of an import),
/// readable by its owner only, whatever the umask, even when it replaces an older file. Written
/// plainly, without the sync per file that `Data.write` does: it is for reading, not a record,
/// and syncing made writing ten thousand previews take seconds.
enum PrivateFile {
    struct Failure: Error, CustomStringConvertible {
        let path: String
        let code: Int32
        var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
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
