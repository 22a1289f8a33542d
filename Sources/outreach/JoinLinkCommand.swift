import ArgumentParser
import OutreachModel
import OutreachRegister

/// `outreach join-link [--event SLUG]`: the sign-up URL to put in a QR code.
struct JoinLink: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "join-link", abstract: StaffText.say("help.join_link.abstract"))
    }
    @OptionGroup var global: GlobalOptions
    @Option(help: staffHelp("help.join_link.event")) var event: String?

    func run() async throws {
        if let event {
            let (settings, register) = try await global.register()
            guard (try? register.campaign(event)) != nil else { throw CampaignError.unknownCampaign(event) }
            print("\(settings.httpBaseURL)/join/\(event)")
        } else {
            print("\(try await global.settings().httpBaseURL)/join")
        }
    }
}
