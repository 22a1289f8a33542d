import ArgumentParser
import Foundation
import OutreachLinks
import OutreachModel
import OutreachRegister
import OutreachWeb

/// `outreach checkin EVENT_SLUG CODE`: the door from a terminal. Accepts a ticket once; a second
/// scan says when and where the first was. Exit status 0 only when the ticket is accepted.
/// `outreach checkin EVENT_SLUG --walk-in NAME [--email E] [--consent yes|no]`: someone without a
/// ticket, added at the desk and counted as checked in.
struct Checkin: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(commandName: "checkin", abstract: StaffText.say("help.checkin.abstract"))
    }
    @OptionGroup var global: GlobalOptions
    @Argument(help: staffHelp("help.checkin.event"), completion: .campaignSlugs) var event: String
    @Argument(help: staffHelp("help.checkin.code")) var code: String?
    @Option(help: staffHelp("help.checkin.place")) var place: String?
    @Option(name: .customLong("walk-in"), help: staffHelp("help.checkin.walk_in")) var walkIn: String?
    @Option(help: staffHelp("help.checkin.email")) var email: String?
    @Option(help: staffHelp("help.checkin.consent")) var consent: String?

    func validate() throws {
        if code == nil, walkIn == nil { throw ValidationError(StaffText.say("checkin.need_code_or_walk_in")) }
        if code != nil, walkIn != nil { throw ValidationError(StaffText.say("checkin.both_code_and_walk_in")) }
    }

    func run() async throws {
        let (settings, register) = try await global.register()
        let campaign = try register.campaign(event)
        let here = place ?? StaffText.say("checkin.terminal", ["host": ProcessInfo.processInfo.hostName])
        if let walkIn {
            let person = try WalkIn.read(name: walkIn, email: email, consent: consent).get()
            try await register.addWalkIn(campaignID: campaign.id!, name: person.name, email: person.email, consent: person.consent, place: here)
            print(OutsideText.cleaned(StaffText.say("checkin.walk_in_recorded", ["name": person.name])))
            return
        }
        let desk = TicketDesk(register: register, tickets: try settings.links().tickets)
        let outcome = try await desk.scan(code ?? "", campaignID: campaign.id!, place: here)
        let line = OutsideText.cleaned(Self.line(outcome))
        guard case .accepted = outcome else {
            printError(line)
            throw ExitCode(outcome == .revoked || outcome == .forged || outcome == .otherEvent ? 2 : 3)
        }
        print(line)
    }

    /// What the terminal says of a scan, in the staff's language.
    static func line(_ outcome: TicketDesk.Outcome) -> String {
        func who(_ a: Arrival) -> String {
            let name = [a.honorific, a.addressedAs ?? a.name].compactMap { $0 }.joined(separator: " ")
            return name + (a.guest == 0 ? "" : StaffText.say("checkin.line.guest", ["n": a.guest]))
                + (a.language.map { StaffText.say("checkin.line.language", ["language": $0]) } ?? "")
                + StaffText.say("checkin.line.guests", ["n": a.guests]) + (a.note.map { StaffText.say("checkin.line.note", ["note": $0]) } ?? "")
        }
        switch outcome {
        case .accepted(let a): return StaffText.say("checkin.line.accepted", ["who": who(a)])
        case .alreadyScanned(let a, let at, let place): return StaffText.say("checkin.line.already", ["at": at, "place": place, "who": who(a)])
        case .revoked: return StaffText.say("checkin.line.revoked")
        case .forged: return StaffText.say("checkin.line.forged")
        case .otherEvent: return StaffText.say("checkin.line.other_event")
        }
    }
}

extension Checkin: AuditedCommand { static let auditName = "checkin" }
