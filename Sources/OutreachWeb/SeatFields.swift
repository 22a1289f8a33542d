import Foundation
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister

/// What an RSVP page shows of a seat: confirmed (with a ticket per person and guest), waitlisted
/// (and how many are ahead) or offered. Mustache fields `seat_confirmed`, `seat_waitlisted`,
/// `seat_offered`, `ahead`, `tickets` (each `code`, `guest`, `is_guest`, `number`, and `qr`: the QR code
/// as a `data:` PNG, which the page's policy allows as its only images: `SeatFields.policy`).
struct SeatFields {
    let values: [String: Any]

    init(outcome: RSVPOutcome, guests: Int, campaignID: Int64, contactID: Int64, links: Links) {
        var values: [String: Any] = [
            "seat_confirmed": outcome.seat == .confirmed, "seat_waitlisted": outcome.seat == .waitlisted,
            "seat_offered": outcome.seat == .offered, "ahead": outcome.ahead,
        ]
        if outcome.seat == .confirmed {
            values["tickets"] = (0...guests).map { guest -> [String: Any] in
                let code = links.tickets.code(Ticket(campaignID: campaignID, contactID: contactID, guest: guest))
                var ticket: [String: Any] = ["code": TicketAlphabet.grouped(code), "guest": guest, "is_guest": guest > 0, "number": guest]
                if let png = try? TicketImage.png(code) { ticket["qr"] = "data:image/png;base64," + Data(png).base64EncodedString() }
                return ticket
            }
        }
        self.values = values
    }

    /// The public pages' policy with inline `data:` images allowed (the tickets' QR codes): still
    /// nothing fetched from anywhere.
    static let policy = SecurityHeaders.publicPolicy + "; img-src data:"

    /// Whether these fields show tickets (the page then needs `policy`).
    var showsTickets: Bool { values["tickets"] != nil }
}
