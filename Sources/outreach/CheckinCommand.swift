import ArgumentParser
import Foundation
import OutreachLinks
import OutreachModel
import OutreachWeb

/// `outreach checkin EVENT_SLUG CODE`: the door from a terminal. Accepts a ticket once; a second
/// scan says when and where the first was. Exit status 0 only when the ticket is accepted.
struct Checkin: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "checkin", abstract: StaffText.say("help.checkin.abstract"))
    }
    @OptionGroup var global: GlobalOptions
    @Argument(help: staffHelp("help.checkin.event"), completion: .campaignSlugs) var event: String
    @Argument(help: staffHelp("help.checkin.code")) var code: String
    @Option(help: staffHelp("help.checkin.place")) var place: String?

    func run() async throws {
        let (settings, register) = try await global.register()
        let campaign = try register.campaign(event)
        let desk = TicketDesk(register: register, tickets: try settings.links().tickets)
        let here = place ?? StaffText.say("checkin.terminal", ["host": ProcessInfo.processInfo.hostName])
        let outcome = try await desk.scan(code, campaignID: campaign.id!, place: here)
        let line = OutsideText.cleaned(CheckinLine.line(outcome))
        guard case .accepted = outcome else {
            printError(line)
            throw ExitCode(outcome == .revoked || outcome == .forged || outcome == .otherEvent ? 2 : 3)
        }
        print(line)
    }
}
