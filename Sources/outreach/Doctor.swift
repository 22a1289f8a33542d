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
            lines.append(DoctorLine(check: "configuration", ok: false, detail: "\(error)",
                                    fix: "correct the value named, in the file or its OUTREACH_ environment variable"))
        }
        if format == .json {
            struct Report: Encodable { let ok: Bool; let checks: [DoctorLine] }
            print(try jsonText(Report(ok: lines.allSatisfy(\.ok), checks: lines)))
        } else {
            let width = min(40, lines.map(\.check.count).max() ?? 0)
            for l in lines {
                let name = l.check.padding(toLength: max(width, l.check.count), withPad: " ", startingAt: 0)
                print("\(l.ok ? "ok  " : "FAIL")  \(name)  \(l.detail)\(l.fix.map { " — fix: \($0)" } ?? "")")
            }
            let failed = lines.filter { !$0.ok }.count
            print(failed == 0 ? "All \(lines.count) checks passed." : "\(failed) of \(lines.count) checks failed.")
        }
        if !lines.allSatisfy(\.ok) { throw ExitCode.failure }
    }

    /// The checks, in the order they are reported. Each is a small value: more can be appended
    /// (a relay's STARTTLS, certificate and AUTH; the bounce mailbox's login) by the rooms that own them.
    static func checks(_ settings: Settings, environment: [String: String], timeout: Double) -> [DoctorCheck] {
        var checks: [DoctorCheck] = [configFile(settings), templates(settings), events(settings),
                                     linkSecret(settings), database(settings)]
        checks += secretFiles(settings, environment: environment)
        for url in settings.smtpURL.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !url.isEmpty {
            checks.append(relay(url, timeout: timeout))
            checks.append(relaySession(url, settings))
        }
        if let url = settings.bouncesMailboxURL {
            checks.append(mailbox(url, settings))
        } else if let address = settings.bouncesAddress {
            checks.append(DoctorCheck(name: "bounce mailbox") {
                .wrong("bounces.address is \(address) but no bounces.mailbox_url: the relays' reports, complaints and mailto unsubscribes sent there are never read",
                       fix: "set bounces.mailbox_url (and bounces.username, bounces.password_file) to the mailbox that receives \(address)")
            })
        }
        return checks
    }

    static func configFile(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "configuration") {
            guard let file = settings.configFile else {
                return .ok("no configuration file (looked in --config, OUTREACH_CONFIG, \(Settings.configSearchPath.joined(separator: ", "))): defaults and OUTREACH_* variables")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                return .wrong("cannot read \(file)", fix: "check the file's owner and mode")
            }
            let unknown = ConfigKeys.read(text).filter { !ConfigKeys.known.contains($0.key) && !$0.value.isEmpty }
            guard unknown.isEmpty else {
                return .wrong("\(file): unknown key\(unknown.count == 1 ? "" : "s") " + unknown.map { "\($0.key) (line \($0.line))" }.joined(separator: ", "),
                              fix: "correct the spelling; the keys are listed in README.md, Configuration")
            }
            return .ok("\(file): every key known and valid")
        }
    }

    static func templates(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "templates") {
            let root = settings.templatesPath
            let fm = FileManager.default
            guard fm.fileExists(atPath: root) else {
                return .wrong("no templates folder at \(root)", fix: "set templates.path (relative to the config file) or OUTREACH_TEMPLATES_PATH")
            }
            let names = ((try? fm.contentsOfDirectory(atPath: root)) ?? []).filter { fm.fileExists(atPath: "\(root)/\($0)/template.yaml") }.sorted()
            do {
                for name in names { _ = try InvitationTemplate.load(name: name, from: root) }
                _ = try PageRenderer(root: root + "/pages")
            } catch {
                return .wrong("\(error)", fix: "repair the template named (see Templates/README.md)")
            }
            return .ok("\(root): \(names.count) templates and the pages load")
        }
    }

    static func events(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "event files") {
            let folders = [settings.configFile.map { ($0 as NSString).deletingLastPathComponent + "/events" }, "Config/events"].compactMap { $0 }
            guard let folder = folders.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                return .ok("no events folder next to the configuration")
            }
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            for file in files {
                do { _ = try Event.load(path: "\(folder)/\(file)") } catch {
                    return .wrong("\(error)", fix: "correct the field named in \(folder)/\(file)")
                }
            }
            return .ok("\(folder): \(files.count) event file\(files.count == 1 ? "" : "s") read")
        }
    }

    /// The bounce mailbox as the daemon reads it (TLS, certificate, login, the folder), changing
    /// nothing; and how the daemon's last reading went, when it left an error in the register.
    static func mailbox(_ url: String, _ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "bounce mailbox \(url)") {
            let checked: Result<String, any Error> = await withCheckedContinuation { done in
                Thread {
                    done.resume(returning: Result {
                        try CurlIMAPMailbox(settings: settings).check()
                    })
                }.start()
            }
            switch checked {
            case .failure(let error as MailboxError): return .wrong("\(error)", fix: error.fix.description)
            case .failure(let error): return .wrong("\(error)", fix: "correct bounces.mailbox_url")
            case .success(let summary):
                if FileManager.default.fileExists(atPath: settings.databasePath),
                   let health = try? Register.mailboxHealth(path: settings.databasePath, url: url), let error = health.error {
                    return .wrong("\(summary); but the daemon's last reading (\(health.polledAt ?? "?")) failed: \(error)",
                                  fix: "see the daemon's log; the next reading retries")
                }
                return .ok(summary)
            }
        }
    }

    /// A session with the relay as the daemon opens one (libcurl: STARTTLS and its certificate,
    /// the login), ended with NOOP: no mail is sent.
    static func relaySession(_ url: String, _ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "relay session \(url)") {
            let outcome: DeliveryOutcome = await withCheckedContinuation { done in
                Thread {
                    do { done.resume(returning: try CurlSMTPTransport(.init(settings, relay: url)).checkSession()) } catch {
                        done.resume(returning: .transient(reason: "\(error)", code: nil, relayDown: true))
                    }
                }.start()
            }
            switch outcome {
            case .sent:
                let login = settings.smtpUsername.map { "login as \($0) accepted" } ?? "no login configured"
                return .ok("EHLO, TLS (\(url.hasPrefix("smtps://") ? "from the start" : "STARTTLS when offered"), certificate verified) and \(login)")
            case .relayFault(let reason, let fix):
                return .wrong(reason, fix: fix)
            case .transient(let reason, _, _), .unknown(let reason), .permanent(let reason, _, _, _):
                return .wrong(reason, fix: "start the relay or correct smtp.url; check the firewall")
            }
        }
    }
}
