import ArgumentParser
import Foundation
import OutreachCompose
import OutreachModel

/// `outreach dkim …`: the keys messages are signed with.
struct DKIMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim",
        abstract: "DKIM signing keys.",
        subcommands: [Keygen.self]
    )

    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Write a new DKIM private key (PEM, mode 0600) and print the DNS TXT record to publish.",
            discussion: """
                The record goes to standard output; what to configure next, to standard error.
                The domain is dkim.domain, else the domain of sender.from.
                """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The selector: the key is published at SELECTOR._domainkey.DOMAIN.") var selector: String
        @Option(help: "rsa (2048 bits; every receiver checks it) or ed25519 (RFC 8463).") var algorithm: DKIMKey.Algorithm = .rsa
        @Option(help: "The new key file (never overwritten).") var out: String

        func run() async throws {
            let settings = try await global.settings()
            let key = try DKIMKey.generate(selector: selector, algorithm: algorithm)
            try key.write(toNewFile: out)
            print(key.dnsRecord(domain: settings.dkimSigningDomain))
            let (fileKey, selectorKey) = algorithm == .rsa ? ("dkim.key_file", "dkim.selector") : ("dkim.ed25519_key_file", "dkim.ed25519_selector")
            printError("Wrote \(out) (mode 0600). Publish the TXT record above, then set \(fileKey): \(out) and \(selectorKey): \(selector).")
        }
    }
}

extension DKIMKey.Algorithm: ExpressibleByArgument {}
