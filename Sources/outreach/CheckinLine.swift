import OutreachModel
import OutreachRegister
import OutreachWeb

/// The line `outreach checkin` prints for a scan, in the staff's language.
enum CheckinLine {
    static func line(_ outcome: TicketDesk.Outcome) -> String {
        func who(_ a: Arrival) -> String {
            let name = [a.honorific, a.addressedAs ?? a.name].compactMap { $0 }.joined(separator: " ")
            let guest = a.guest == 0 ? "" : " " + StaffText.say("checkin.guest", ["n": a.guest])
            let language = a.language.map { ", " + StaffText.say("checkin.language", ["language": $0]) } ?? ""
            let note = a.note.map { "; " + StaffText.say("checkin.note", ["note": $0]) } ?? ""
            return "\(name)\(guest)\(language), " + StaffText.say("checkin.guests", ["n": a.guests]) + note
        }
        switch outcome {
        case .accepted(let a): return StaffText.say("checkin.accepted", ["who": who(a)])
        case .alreadyScanned(let a, let at, let place): return StaffText.say("checkin.already", ["at": at, "place": place, "who": who(a)])
        case .revoked: return StaffText.say("checkin.revoked")
        case .forged: return StaffText.say("checkin.forged")
        case .otherEvent: return StaffText.say("checkin.other_event")
        }
    }
}
