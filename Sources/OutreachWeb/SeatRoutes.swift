import Foundation
import Hummingbird
import OutreachLinks
import OutreachModel
import OutreachRegister

/// `GET /s/{token}`: the seat offered from the waitlist, with a button to take it (records
/// nothing); `POST /s/{token}`: takes it while the offer stands. Once taken, the page shows the
/// tickets; once lapsed, it says the offer passed on.
extension RecipientRoutes {
    func addSeatRoutes(to router: Router<OutreachRequestContext>) {
        router.get("/s/:token") { request, context in try await self.seatPage(request, context, take: false) }
        router.post("/s/:token") { request, context in try await self.seatPage(request, context, take: true) }
    }

    private func seatPage(_ request: Request, _ context: OutreachRequestContext, take: Bool) async throws -> Response {
        if take { _ = try await request.body.collect(upTo: Self.bodyLimit) }
        guard let s = try await subject(context, .seat, fresh: true), let contact = s.contact, let campaign = s.campaign else {
            return notFound(request)
        }
        if take {
            _ = try await web.register.takeOffer(campaignID: campaign.id, contactID: contact.id!, nowMs: Int64(web.now().timeIntervalSince1970 * 1000))
        }
        guard let rsvp = try await web.register.rsvp(campaignID: campaign.id, contactID: contact.id!) else { return notFound(request) }
        let nowMs = Int64(web.now().timeIntervalSince1970 * 1000)
        let open = rsvp.seat == .offered && (rsvp.offerExpiresAtMs ?? 0) > nowMs
        var extra = SeatFields(outcome: RSVPOutcome(seat: rsvp.seat, ahead: try await web.register.waitlistAhead(rsvp)),
                               guests: rsvp.guests, campaignID: campaign.id, contactID: contact.id!, links: web.links).values
        extra["can_take"] = open
        extra["no_offer"] = rsvp.seat == nil || (rsvp.seat == .offered && !open)
        if open, let expires = rsvp.offerExpiresAtMs { extra["offer_deadline"] = Self.deadline(expires, campaign.event) }
        var response = page(.seat, request, s, status: take && !open && rsvp.seat != .confirmed ? .gone : .ok, extra: extra)
        if extra["tickets"] != nil { response.headers[.contentSecurityPolicy] = SeatFields.policy }
        return response
    }

    /// An offer's deadline in the event's time zone, with its offset: `2027-01-20 18:00 (UTC+07:00)`.
    static func deadline(_ ms: Int64, _ event: Event?) -> String {
        let offset = event?.resolvedSchedule.start.offset ?? 0
        let t = UTCTime(Date(timeIntervalSince1970: Double(ms / 1000 + Int64(offset))))
        let sign = offset < 0 ? "-" : "+", h = abs(offset) / 3600, m = abs(offset) % 3600 / 60
        return "\(t.year)-\(t.month)-\(t.day) \(t.hour):\(t.minute) (UTC\(sign)\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m))"
    }
}
