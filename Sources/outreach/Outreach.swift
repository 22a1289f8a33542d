import ArgumentParser
import Foundation
import OutreachImport
import OutreachModel
import OutreachRegister

/// The one executable: staff commands, and `serve` for the daemon.
@main
struct Outreach: AsyncParsableCommand {
    // Every command names itself (`commandName:`): left out, ArgumentParser derives the name
    // from the type's with `String(describing:)`, a runtime conformance search per command type
    // at every start of every command.
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "outreach",
        abstract: StaffText.say("help.outreach.abstract"),
        usage: "outreach [--config PATH] [--database PATH] <subcommand>",
        discussion: StaffText.say("help.outreach.discussion"),
        // The newest migration names the program's database schema: what `backup` records too.
        version: BackupFolder.version,
        subcommands: [Contacts.self, CampaignCommand.self, BouncesCommand.self, Doctor.self, DKIMCommand.self, ReportCommand.self, StaffCommand.self, JoinLink.self, Checkin.self, Serve.self,
                      BackupCommand.self, RestoreCommand.self, AuditCommand.self]
    ) }

    /// `outreach [--config PATH] [--database PATH] <command>`: the global options may come before
    /// the command; they are handed to the command that runs.
    /// A command that changed something and succeeded appends its row to the audit log.
    static func main() async {
        let given = Array(CommandLine.arguments.dropFirst())
        // A shell asking for completions (`---completion …`) passes its words as they are.
        let arguments = given.first == "---completion" ? given : GlobalOptions.movedAfterCommand(given)
        StaffText.language = StaffLanguage.forRun(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand { try await asynchronous.run() } else { try command.run() }
            if let audited = command as? any AuditedCommand {
                try await AuditTrail.record(type(of: audited).auditName, global: audited.global, arguments: arguments)
            }
        } catch {
            ParserWords.exit(withError: error, arguments: arguments)
        }
    }
}

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: staffHelp("help.globaloptions.config"))
    var config: String?

    @Option(name: .long, help: staffHelp("help.globaloptions.database"))
    var database: String?

    /// Moves `--config`/`--database` (and their values) that precede the subcommands to the end.
    static func movedAfterCommand(_ arguments: [String]) -> [String] {
        var rest: [String] = []
        var global: [String] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { rest += arguments[i...]; break }
            if (a == "--config" || a == "--database"), i + 1 < arguments.count {
                global += [a, arguments[i + 1]]; i += 2; continue
            }
            if a.hasPrefix("--config=") || a.hasPrefix("--database=") { global.append(a); i += 1; continue }
            rest.append(a); i += 1
        }
        guard !global.isEmpty, let dashes = rest.firstIndex(of: "--") else { return rest + global }
        return Array(rest[..<dashes]) + global + Array(rest[dashes...])
    }

    func settings() async throws -> Settings {
        var settings = try await Settings.load(path: config)
        if let database { settings.databasePath = database }
        return settings
    }

    func register(pageCacheKiB: Int? = nil) async throws -> (Settings, Register) {
        let settings = try await settings()
        return (settings, try Register(path: settings.databasePath, pageCacheKiB: pageCacheKiB, officeZone: settings.officeTimeZone))
    }
}

/// Writes to standard error, cleaned of control characters (it quotes rows and cells of files).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((OutsideText.cleaned(text) + "\n").utf8))
}
