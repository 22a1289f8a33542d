import ArgumentParser
import Foundation
import OutreachModel
import OutreachRegister

/// A command that changes something: once it succeeded, `Outreach.main` appends its audit row.
protocol AuditedCommand {
    /// The command as staff type it (`campaign launch`).
    static var auditName: String { get }
    var global: GlobalOptions { get }
}

/// The audit log's rows as the CLI writes them: who (the invoking OS user), what, with which arguments.
enum AuditTrail {
    /// The invoking OS user: `SUDO_USER` (who ran sudo) before `USER`, else the effective user's name.
    static func user(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["SUDO_USER", "USER"] { if let v = environment[key], !v.isEmpty { return v } }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }

    /// Options whose value is a secret: their values are never written down.
    static let secretOptions = ["password", "secret", "token", "key"]

    /// `arguments` after the command's own words, secrets replaced by `***`.
    static func arguments(_ arguments: [String], command: String) -> [String] {
        var words = command.split(separator: " ").map(String.init)
        var out: [String] = []
        var hideNext = false
        for a in arguments {
            if let first = words.first, a == first { words.removeFirst(); continue }
            if hideNext { out.append("***"); hideNext = false; continue }
            let name = a.hasPrefix("--") ? String(a.dropFirst(2).prefix { $0 != "=" }) : ""
            if !name.isEmpty, secretOptions.contains(where: { name.lowercased().contains($0) }) {
                if a.contains("=") { out.append("--\(name)=***") } else { out.append(a); hideNext = true }
                continue
            }
            out.append(a)
        }
        return out
    }

    /// Appends the row of the command `name`, run with `arguments`, to the register.
    static func record(_ name: String, global: GlobalOptions, arguments: [String]) async throws {
        guard !arguments.contains("--dry-run") else { return }
        let (_, register) = try await global.register()
        let recorded = self.arguments(arguments, command: name)
        try register.appendAudit(AuditEntry(at: Timestamp.string(), user: user(), command: name, arguments: recorded))
        // Erasing a person erases their address from the log too (the row keeps its hash).
        if name == "contacts forget", let address = recorded.lazy.compactMap({ try? EmailAddress($0) }).first {
            try register.eraseFromAudit(address)
        }
    }
}

/// `outreach audit [--since DATE] [--format table|csv|json]`: who did what.
struct AuditCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "audit", abstract: StaffText.say("help.audit.abstract")) }
    @OptionGroup var global: GlobalOptions
    @Option(help: staffHelp("help.audit.since")) var since: String?
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }
    @Option(help: staffHelp("help.audit.format")) var format: Format = .table

    /// `--since` as a time: a day is its start in UTC.
    var start: Date? {
        guard let since else { return nil }
        return Timestamp.date(since) ?? Timestamp.date(since + "T00:00:00Z")
    }

    func validate() throws {
        if let since, start == nil { throw ValidationError(StaffText.say("audit.bad_since", ["text": since])) }
    }

    func run() async throws {
        let (settings, register) = try await global.register()
        let entries = try await register.auditEntries(since: start)
        let clock = settings.officeClock
        switch format {
        case .json: print(try jsonText(entries))
        case .csv:
            print("\u{FEFF}at,user,command,arguments")
            for e in entries { print([e.at, e.user, e.command, e.arguments.joined(separator: " ")].map(csvField).joined(separator: ",")) }
        case .table:
            print(table(["at", "user", "command", "arguments"].map { StaffText.say("audit.column." + $0) },
                        entries.map { [Timestamp.date($0.at).map(clock.show) ?? $0.at, $0.user, $0.command, $0.arguments.joined(separator: " ")].map(Terminal.printable) }))
        }
    }
}

/// The answer on the terminal was not yes: nothing was done (exit status non-zero).
struct NotConfirmed: StaffFacingError {
    let what: String
    var message: StaffMessage { StaffMessage("confirm.no", ["what": what]) }
}

/// Text shown on a terminal: control characters replaced, so nothing from outside can steer it.
enum Terminal {
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? "\u{FFFD}" : Character($0) })
    }

    /// Whether `confirm` will ask (a terminal, and no `--yes`).
    static func willAsk(yes: Bool) -> Bool { !yes && isatty(STDIN_FILENO) == 1 }

    /// Asks `question` with y/N on a terminal; true when answered yes, or when `yes` was given,
    /// or when standard input is not a terminal (scripts behave as before).
    static func confirm(_ question: String, yes: Bool) -> Bool {
        guard willAsk(yes: yes) else { return true }
        FileHandle.standardError.write(Data("\(question) \(StaffText.say("confirm.yes_no")) ".utf8))
        guard let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return ["y", "yes", "c", "có", "co"].contains(answer)
    }
}
