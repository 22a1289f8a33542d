import ArgumentParser
import Foundation
import OutreachLinks
import OutreachModel
import OutreachWeb

/// `outreach checkin EVENT_SLUG CODE`: the door from a terminal. Accepts a ticket once; a second
/// scan says when and where the first was. Exit status 0 only when the ticket is accepted.
struct Checkin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkin",
                                                    abstract: "Event day: accept a ticket once; a second scan says when and where.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The invitation campaign's slug.") var event: String
    @Argument(help: "The ticket code (spaces and dashes ignored).") var code: String
    @Option(help: "Where the scan happens (shown on a second scan).") var place: String?

    func run() async throws {
        let (settings, register) = try await global.register()
        let campaign = try register.campaign(event)
        let desk = TicketDesk(register: register, tickets: try settings.links().tickets)
        let here = place ?? "terminal \(ProcessInfo.processInfo.hostName)"
        let outcome = try await desk.scan(code, campaignID: campaign.id!, place: here)
        let vietnamese = (ProcessInfo.processInfo.environment["LC_ALL"] ?? ProcessInfo.processInfo.environment["LANG"] ?? "").hasPrefix("vi")
        let line = OutsideText.cleaned(CheckinText.line(outcome, vietnamese: vietnamese))
        guard case .accepted = outcome else {
            printError(line)
            throw ExitCode(outcome == .revoked || outcome == .forged || outcome == .otherEvent ? 2 : 3)
        }
        print(line)
    }
}
