import ArgumentParser
import Foundation
import OutreachBounces
import OutreachDelivery
import OutreachCompose
import OutreachModel
import OutreachRegister
import OutreachWeb

/// `outreach doctor`: checks the configuration, the files it names, the database and the relays
/// without sending mail. One line per check; exit 0 only when every check passes.
struct Doctor: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "doctor",
        abstract: StaffText.say("help.doctor.abstract"),
        discussion: StaffText.say("help.doctor.discussion")) }
    @OptionGroup var global: GlobalOptions
    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }
    @Option(help: staffHelp("help.doctor.format")) var format: Format = .text
    @Option(help: staffHelp("help.doctor.timeout")) var timeout: Double = 5

    func run() async throws {
        var lines: [DoctorLine] = []
        do {
            let settings = try await global.settings()
            for check in Doctor.checks(settings, environment: ProcessInfo.processInfo.environment, timeout: timeout) {
                let found = await check.run()
                lines.append(DoctorLine(check: check.name, ok: found.ok, detail: found.detail, fix: found.fix))
            }
        } catch {
            lines.append(DoctorLine(check: StaffMessage("doctor.check.configuration"), ok: false, detail: "\(error)",
                                    fix: StaffText.say("doctor.config.fix")))
        }
        if format == .json {
            struct Report: Encodable { let ok: Bool; let checks: [DoctorLine] }
            print(try jsonText(Report(ok: lines.allSatisfy(\.ok), checks: lines)))
        } else {
            let names = lines.map(\.check.description)
            let width = min(40, names.map(\.count).max() ?? 0)
            let verdicts = [StaffText.say("doctor.ok"), StaffText.say("doctor.fail")]
            let verdictWidth = verdicts.map(\.count).max() ?? 4
            for (l, name) in zip(lines, names) {
                let verdict = (l.ok ? verdicts[0] : verdicts[1]).padding(toLength: verdictWidth, withPad: " ", startingAt: 0)
                let shown = name.padding(toLength: max(width, name.count), withPad: " ", startingAt: 0)
                print("\(verdict)  \(shown)  \(l.detail)\(l.fix.map { StaffText.say("doctor.fix", ["fix": $0]) } ?? "")")
            }
            let failed = lines.filter { !$0.ok }.count
            print(failed == 0 ? StaffText.say("doctor.all_passed", ["count": lines.count])
                  : StaffText.say("doctor.some_failed", ["failed": failed, "count": lines.count]))
        }
        if !lines.allSatisfy(\.ok) { throw ExitCode.failure }
    }

    /// The checks, in the order they are reported. Each is a small value: more can be appended
    /// (a relay's STARTTLS, certificate and AUTH; the bounce mailbox's login) by the rooms that own them.
    static func checks(_ settings: Settings, environment: [String: String], timeout: Double) -> [DoctorCheck] {
        var checks: [DoctorCheck] = [configFile(settings), templates(settings), events(settings),
                                     linkSecret(settings), database(settings), deliveryFault(settings)]
        checks += secretFiles(settings, environment: environment)
        for url in settings.smtpURL.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !url.isEmpty {
            checks.append(relay(url, timeout: timeout))
            checks.append(relaySession(url, settings))
        }
        if let url = settings.bouncesMailboxURL {
            checks.append(mailbox(url, settings))
        } else if let address = settings.bouncesAddress {
            checks.append(DoctorCheck(name: StaffMessage("doctor.check.bounce_mailbox")) {
                .wrong(StaffText.say("doctor.mailbox.unread", ["address": address]),
                       fix: StaffText.say("doctor.mailbox.unread_fix", ["address": address]))
            })
        }
        return checks
    }

    static func configFile(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.configuration")) {
            guard let file = settings.configFile else {
                return .ok(StaffText.say("doctor.config.none", ["places": Settings.configSearchPath.joined(separator: ", ")]))
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                return .wrong(StaffText.say("doctor.config.unreadable", ["file": file]), fix: StaffText.say("doctor.config.unreadable_fix"))
            }
            let unknown = ConfigKeys.read(text).filter { !ConfigKeys.isKnown($0.key) && !$0.value.isEmpty }
            guard unknown.isEmpty else {
                return .wrong(StaffText.say("doctor.config.unknown_keys", ["file": file, "count": unknown.count,
                                                           "keys": unknown.map { StaffText.say("doctor.key_on_line", ["key": $0.key, "line": $0.line, "nearest": ConfigKeys.nearest($0.key, in: ConfigKeys.known)]) }.joined(separator: ", ")]),
                              fix: StaffText.say("doctor.config.unknown_keys_fix"))
            }
            return .ok(StaffText.say("doctor.config.ok", ["file": file]))
        }
    }

    static func templates(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.templates")) {
            let root = settings.templatesPath
            let fm = FileManager.default
            guard fm.fileExists(atPath: root) else {
                return .wrong(StaffText.say("doctor.templates.no_folder", ["root": root]), fix: StaffText.say("doctor.templates.no_folder_fix"))
            }
            let names = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { fm.fileExists(atPath: "\(root)/\($0)/template.yaml") }.sorted()
            do {
                for name in names { _ = try InvitationTemplate.load(name: name, from: root) }
                _ = try PageRenderer(root: root + "/pages")
            } catch {
                return .wrong(StaffText.say("doctor.error", ["error": error]), fix: StaffText.say("doctor.templates.broken_fix"))
            }
            return .ok(StaffText.say("doctor.templates.ok", ["root": root, "count": names.count]))
        }
    }

    static func events(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.event_files")) {
            let folders = [settings.configFile.map { ($0 as NSString).deletingLastPathComponent + "/events" }, "Config/events"].compactMap { $0 }
            guard let folder = folders.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                return .ok(StaffText.say("doctor.events.no_folder"))
            }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            for file in files {
                do { _ = try Event.load(path: "\(folder)/\(file)") } catch {
                    return .wrong(StaffText.say("doctor.error", ["error": error]), fix: StaffText.say("doctor.events.broken_fix", ["folder": folder, "file": file]))
                }
            }
            return .ok(StaffText.say("doctor.events.ok", ["folder": folder, "count": files.count]))
        }
    }

    /// The bounce mailbox as the daemon reads it (TLS, certificate, login, the folder), changing
    /// nothing; and how the daemon's last reading went, when it left an error in the register.
    static func mailbox(_ url: String, _ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.bounce_mailbox_at", ["url": url])) {
            let checked: Result<String, any Error> = await withCheckedContinuation { done in
                Thread {
                    done.resume(returning: Result {
                        try CurlIMAPMailbox(settings: settings).check()
                    })
                }.start()
            }
            switch checked {
            case .failure(let error as MailboxError): return .wrong(StaffText.say("doctor.error", ["error": error]), fix: error.fix.description)
            case .failure(let error): return .wrong(StaffText.say("doctor.error", ["error": error]), fix: StaffText.say("doctor.mailbox.fix_url"))
            case .success(let summary):
                if FileManager.default.fileExists(atPath: settings.databasePath),
                   let health = try? Register.mailboxHealth(path: settings.databasePath, url: url), let error = health.error {
                    return .wrong(StaffText.say("doctor.mailbox.last_reading_failed", ["summary": summary, "time": health.polledAt ?? "?", "error": error]),
                                  fix: StaffText.say("doctor.mailbox.last_reading_fix"))
                }
                return .ok(summary)
            }
        }
    }

    /// A session with the relay as the daemon opens one (libcurl: STARTTLS and its certificate,
    /// the login), ended with NOOP: no mail is sent.
    static func relaySession(_ url: String, _ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.relay_session", ["url": url])) {
            let outcome: DeliveryOutcome = await withCheckedContinuation { done in
                Thread {
                    do { done.resume(returning: try CurlSMTPTransport(.init(settings, relay: url)).checkSession()) } catch {
                        done.resume(returning: .transient(reason: "\(error)", code: nil, relayDown: true))
                    }
                }.start()
            }
            switch outcome {
            case .sent:
                let login = settings.smtpUsername.map { StaffText.say("doctor.login_accepted", ["user": $0]) } ?? StaffText.say("doctor.no_login")
                let tls = StaffText.say(url.hasPrefix("smtps://") ? "doctor.tls_from_start" : "doctor.starttls_when_offered")
                return .ok(StaffText.say("doctor.session.ok", ["tls": tls, "login": login]))
            case .relayFault(let reason, let fix):
                return .wrong(reason, fix: fix)
            case .transient(let reason, _, _), .unknown(let reason), .permanent(let reason, _, _, _):
                return .wrong(reason, fix: StaffText.say("doctor.relay.fix"))
            }
        }
    }
}
