import ArgumentParser
import Foundation
import OutreachCompose
import OutreachModel

/// `outreach dkim …`: the keys messages are signed with.
struct DKIMCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "dkim",
        abstract: StaffText.say("help.dkimcommand.abstract"),
        subcommands: [Keygen.self]
    ) }

    struct Keygen: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(
            commandName: "keygen",
            abstract: StaffText.say("help.dkimcommand.keygen.abstract"),
            discussion: StaffText.say("help.dkimcommand.keygen.discussion")
        ) }
        @OptionGroup var global: GlobalOptions
        @Option(help: staffHelp("help.dkimcommand.keygen.selector")) var selector: String
        @Option(help: staffHelp("help.dkimcommand.keygen.algorithm")) var algorithm: DKIMKey.Algorithm = .rsa
        @Option(help: staffHelp("help.dkimcommand.keygen.out")) var out: String

        func run() async throws {
            let settings = try await global.settings()
            let key = try DKIMKey.generate(selector: selector, algorithm: algorithm)
            try key.write(toNewFile: out)
            print(key.dnsRecord(domain: settings.dkimSigningDomain))
            let (fileKey, selectorKey) = algorithm == .rsa ? ("dkim.key_file", "dkim.selector") : ("dkim.ed25519_key_file", "dkim.ed25519_selector")
            printError(StaffText.say("dkim.wrote", ["path": out, "file_key": fileKey, "selector_key": selectorKey, "selector": selector]))
        }
    }
}

extension DKIMKey.Algorithm: ExpressibleByArgument {}
