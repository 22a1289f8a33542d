import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister
import ServiceLifecycle

/// The daemon's seat step, every `interval`: offers that lapsed pass on and freed seats go to the
/// head of the waitlist (`Register.offerFreedSeats`, `waitlist.offer_hours`), then every offer and
/// ticket not yet mailed is mailed once (`seat-offer`, `seat-confirmed` with a QR code per person
/// and guest). A mail is marked sent only after the relay accepted it, so an offer or a ticket
/// survives a restart; it goes through the delivery's relays, DKIM key and rate limits, and a
/// suppressed address (or consent no longer granted) is not mailed: its offer passes on at once.
public final class SeatMailService<C: Clock<Duration>>: Service, Sendable {
    let context: DeliveryContext
    let clock: C
    let interval: Duration
    let offer: SeatMessage
    let ticket: SeatMessage
    let backoff = SeatMailBackoff()
    static var sent: Counter { Counter(label: "outreach_seat_mail_sent_total") }

    public init(context: DeliveryContext, clock: C, interval: Duration = .seconds(1)) throws {
        self.context = context
        self.clock = clock
        self.interval = interval
        let settings = context.settings
        offer = try SeatMessage(template: try InvitationTemplate.load(name: "seat-offer", from: settings.templatesPath),
                                sender: settings.sender, links: context.links, signer: context.signer)
        ticket = try SeatMessage(template: try InvitationTemplate.load(name: "seat-confirmed", from: settings.templatesPath),
                                 sender: settings.sender, links: context.links, signer: context.signer)
    }

    public func run() async throws {
        let transport = TransportBox()
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            do { _ = try await step(transport) } catch {
                context.logger.error("seat step failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// One step: the waitlist moves, then the mails it owes go out. Returns the mails sent.
    func step(_ box: TransportBox) async throws -> Int {
        let nowMs = context.clock.nowMs()
        if try await context.register.waitlistPending() {
            let moved = try await context.register.offerFreedSeats(nowMs: nowMs, offerDuration: context.settings.waitlistOfferDuration)
            if !moved.expired.isEmpty || !moved.offered.isEmpty {
                context.logger.info("waitlist moved", metadata: ["waitlist.expired": "\(moved.expired.count)", "waitlist.offered": "\(moved.offered.count)"])
            }
        }
        var sent = 0
        guard backoff.relayReady(nowMs: nowMs) else { return 0 }
        for mail in try await context.register.dueSeatMail() where backoff.ready(mail, nowMs: nowMs) {
            switch try await send(mail, box) {
            case .sent: sent += 1
            case .later: backoff.wait(mail, untilMs: nowMs + 60_000)
            case .stop: return sent
            case .relayDown:
                // Every seat mail waits for the relay's cool-down; the next step tries the next relay.
                backoff.relayDown(untilMs: nowMs + Int64(context.settings.relayCooldown.components.seconds) * 1000,
                                  relays: context.settings.relays.count)
                return sent
            }
        }
        return sent
    }

    /// What one mail's attempt means for the rest of the step.
    enum Attempt { case sent, later, stop, relayDown }

    private func send(_ mail: SeatMail, _ box: TransportBox) async throws -> Attempt {
        let meta: Logger.Metadata = ["seat.mail": "\(mail.kind.rawValue)", "campaign.id": "\(mail.campaignID)", "contact.id": "\(mail.recipient.id)"]
        guard !mail.mayNotMail, let address = try? EmailAddress(mail.recipient.email) else {
            // Suppression wins: nothing is sent. An offer they cannot be told of lapses now and
            // passes to the next person; a ticket is left unmailed (the RSVP page shows it).
            if let offer = mail.offer { try await context.register.lapseOffer(offer) } else { try await markMailed(mail) }
            context.logger.info("seat mail not sent: the address is suppressed or without consent", metadata: meta)
            return .sent
        }
        guard context.limiter.takeGlobal() == 0 else { return .stop }
        guard context.limiter.takeDomain(address.domain[...]) == 0 else { return .later }
        let message = try compose(mail)
        let relay = context.settings.relays[backoff.relay % max(1, context.settings.relays.count)]
        let transport = try box.transport { try self.context.makeTransport(self.context.settings, relay, self.context.logger) }
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<DeliveryOutcome, Never>) in
            nonisolated(unsafe) let transport = transport
            Thread { done.resume(returning: transport.send(message.bytes, from: message.envelopeSender, to: address)) }.start()
        }
        switch outcome {
        case .sent:
            try await markMailed(mail)
            Self.sent.increment()
            context.logger.info("seat mail sent", metadata: meta)
            return .sent
        case .permanent(let why, _, _, _):
            try await markMailed(mail)
            context.logger.warning("seat mail refused", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
            return .sent
        case .transient(let why, _, let relayDown):
            box.reset()
            context.logger.warning("seat mail not sent, trying later", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
            return relayDown ? .relayDown : .later
        case .unknown(let why):
            box.reset()
            // Its final reply was lost: it may have been delivered. Sent once more at most, then left.
            guard backoff.firstUnknown(mail) else {
                try await markMailed(mail)
                context.logger.warning("seat mail unconfirmed twice, not sent again", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
                return .sent
            }
            context.logger.warning("seat mail not confirmed by the relay, trying later", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
            return .later
        case .relayFault(let why, _):
            box.reset()
            context.logger.warning("seat mail not sent: the relay's fault", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
            return .relayDown
        }
    }

    /// The mail for `mail`: the offer with its link and deadline, or the ticket with its codes.
    func compose(_ mail: SeatMail) throws -> ComposedMessage {
        let event = try mail.eventSnapshot.map { snapshot -> Event in
            var event = try JSONDecoder().decode(Event.self, from: Data(snapshot.utf8))
            if event.schedule == nil { event.schedule = try event.makeSchedule(languages: Event.writtenLanguages) }
            return event
        }
        switch mail.kind {
        case .offer:
            return try offer.compose(to: mail.recipient, campaignID: mail.campaignID, slug: mail.slug, event: event, timeZone: mail.timeZone,
                                     offerExpiresAtMs: mail.offerExpiresAtMs)
        case .ticket:
            let codes = (0...mail.guests).map {
                SeatMessage.TicketLine(code: context.links.tickets.code(Ticket(campaignID: mail.campaignID, contactID: mail.recipient.id, guest: $0)),
                                       guest: $0)
            }
            return try ticket.compose(to: mail.recipient, campaignID: mail.campaignID, slug: mail.slug, event: event, tickets: codes)
        }
    }

    private func markMailed(_ mail: SeatMail) async throws {
        let atMs = context.clock.nowMs()
        switch mail.kind {
        case .offer: if let offer = mail.offer { try await context.register.markOfferMailed(offer, atMs: atMs) }
        case .ticket: try await context.register.markTicketMailed(campaignID: mail.campaignID, contactID: mail.recipient.id, atMs: atMs)
        }
    }
}

/// Seat mails a relay asked to wait (a 4xx, a domain at its rate limit): not tried again before
/// their time, so one slow domain does not hold up the others. Used from the service's one task.
final class SeatMailBackoff: @unchecked Sendable {
    private var until: [String: Int64] = [:]
    private var relayUntil: Int64 = 0
    /// Which relay of `smtp.url` the seat mails use (the next one after a relay is down).
    private(set) var relay = 0
    func relayReady(nowMs: Int64) -> Bool { relayUntil <= nowMs }
    func relayDown(untilMs: Int64, relays: Int) {
        // With another relay to try, go on at once with it; the only one gets its cool-down.
        if relays > 1 { relay = (relay + 1) % relays } else { relayUntil = untilMs }
    }
    private func key(_ m: SeatMail) -> String { "\(m.kind.rawValue).\(m.campaignID).\(m.recipient.id)" }
    private var unknowns: Set<String> = []
    func ready(_ m: SeatMail, nowMs: Int64) -> Bool { (until[key(m)] ?? 0) <= nowMs }
    /// True the first time `m`'s final reply is lost (send it once more), false after.
    func firstUnknown(_ m: SeatMail) -> Bool { unknowns.insert(key(m)).inserted }
    func wait(_ m: SeatMail, untilMs: Int64) { until[key(m)] = untilMs }
}
