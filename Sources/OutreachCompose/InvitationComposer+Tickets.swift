import OutreachLinks
import OutreachModel

extension InvitationComposer {
    /// For a reminder whose template shows `tickets`, to someone whose yes holds a seat: a line
    /// per ticket (`code`, `cid`, `guest`, `is_guest`) and its QR code as an inline PNG, the same
    /// codes as the ticket mail (`seat-confirmed`). Nothing otherwise.
    func ticketParts(for contact: Recipient) -> (lines: [[String: Any]], images: [InlineImage]) {
        guard showsTickets, let revision, !revision.cancelled, let count = contact.tickets, count > 0 else { return ([], []) }
        var lines: [[String: Any]] = [], images: [InlineImage] = []
        for guest in 0..<min(count, 1 + 10) {
            let code = links.tickets.code(Ticket(campaignID: revision.invitationID, contactID: contact.id, guest: guest))
            // A code too long for a QR code cannot happen (they are 119 characters); the text still carries it.
            guard let png = try? TicketImage.png(code) else { continue }
            let id = "ticket-\(guest).\(revision.invitationID).\(contact.id)@\(sender.domain)"
            images.append(InlineImage(contentID: id, filename: "ticket-\(guest).png", png: png))
            lines.append(["code": TicketAlphabet.grouped(code), "cid": id, "guest": guest, "is_guest": guest > 0])
        }
        return (lines, images)
    }
}
