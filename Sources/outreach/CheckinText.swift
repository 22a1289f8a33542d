import OutreachRegister
import OutreachWeb

/// What `outreach checkin` says, in English and Vietnamese (to fold into the staff catalog).
enum CheckinText {
    static func line(_ outcome: TicketDesk.Outcome, vietnamese vi: Bool) -> String {
        func who(_ a: Arrival) -> String {
            let name = [a.honorific, a.addressedAs ?? a.name].compactMap { $0 }.joined(separator: " ")
            let guest = a.guest == 0 ? "" : (vi ? " (khách đi cùng \(a.guest))" : " (guest \(a.guest))")
            let language = a.language.map { vi ? ", ngôn ngữ \($0)" : ", language \($0)" } ?? ""
            let note = a.note.map { vi ? "; ghi chú: \($0)" : "; note: \($0)" } ?? ""
            return "\(name)\(guest)\(language), \(vi ? "số khách đi cùng" : "guests") \(a.guests)\(note)"
        }
        switch outcome {
        case .accepted(let a): return vi ? "HỢP LỆ: \(who(a))" : "ACCEPTED: \(who(a))"
        case .alreadyScanned(let a, let at, let place):
            return vi ? "ĐÃ QUÉT lúc \(at) tại \(place): \(who(a))" : "ALREADY SCANNED at \(at) at \(place): \(who(a))"
        case .revoked: return vi ? "TỪ CHỐI: vé đã bị hủy (phản hồi đã đổi hoặc hủy)" : "REFUSED: ticket revoked (the answer was changed or cancelled)"
        case .forged: return vi ? "TỪ CHỐI: mã không hợp lệ" : "REFUSED: not a valid ticket code"
        case .otherEvent: return vi ? "TỪ CHỐI: vé của sự kiện khác" : "REFUSED: a ticket for another event"
        }
    }
}
