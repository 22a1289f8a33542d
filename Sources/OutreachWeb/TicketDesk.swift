import Foundation
import OutreachLinks
import OutreachModel
import OutreachRegister

/// The door of an event: checks a ticket code (the signature offline, then the register for
/// revocation and earlier scans) and records the first scan. The staff page and `outreach checkin`
/// both go through it.
package struct TicketDesk: Sendable {
    let register: Register
    let tickets: TicketSigner

    package init(register: Register, tickets: TicketSigner) {
        self.register = register
        self.tickets = tickets
    }

    /// What a scan came to.
    package enum Outcome: Sendable, Equatable {
        case accepted(Arrival)
        case alreadyScanned(Arrival, at: String, place: String)
        /// Signed by us, but no longer honoured (answer cancelled, seat lost, fewer guests).
        case revoked
        /// Not a code of this installation.
        case forged
        /// A genuine ticket for another event.
        case otherEvent
    }

    /// Checks `code` at the door of `campaign` (the invitation), recording the first scan at `place`.
    package func scan(_ code: String, campaignID: Int64, place: String, at time: String = Timestamp.string()) async throws -> Outcome {
        guard let ticket = tickets.verifier.ticket(code) else { return .forged }
        guard ticket.campaignID == campaignID else { return .otherEvent }
        let result = try await register.checkIn(campaignID: campaignID, contactID: ticket.contactID, guest: ticket.guest,
                                                codeHash: TicketVerifier.hash(code), place: place, at: time)
        switch result {
        case .accepted(let a): return .accepted(a)
        case .alreadyScanned(let a, let at, let place): return .alreadyScanned(a, at: at, place: place)
        case .revoked: return .revoked
        }
    }

    /// The hashes of every code honoured now (`TicketVerifier.hash`): the page's offline roster.
    package func roster(campaignID: Int64) async throws -> [String] {
        try await register.honouredTickets(campaignID: campaignID).flatMap { person in
            (0...person.guests).map { TicketVerifier.hash(tickets.code(Ticket(campaignID: campaignID, contactID: person.contactID, guest: $0))) }
        }
    }
}
