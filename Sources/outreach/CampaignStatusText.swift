import Foundation
import OutreachModel
import OutreachCampaigns

/// `campaign status` as staff read it: in their language, times on the office's clock.
struct CampaignStatusText {
    let status: CampaignStatus
    let clock: OfficeClock

    var lines: [String] {
        let s = status
        var lines = [StaffText.say("status.heading", ["slug": s.slug, "status": StaffText.say("campaign.status." + s.status)])]
        if let start = s.startsAt {
            let key = s.status == "scheduled" ? "status.starts" : "status.started"
            lines.append("  " + StaffText.say(key, ["time": clock.show(start)]))
        }
        if let reason = s.reason { lines.append("  " + StaffText.say("status.reason", ["reason": OutsideText.cleaned(reason)])) }
        lines.append("  " + StaffText.say("status.counts", [
            "queued": s.queued, "sending": s.sending, "sent": s.sent, "retry": s.retry, "failed": s.failed, "skipped": s.skipped,
            "cancelled": s.cancelled, "unconfirmed": s.unconfirmed, "total": s.total]))
        let eta = s.etaSeconds.map { StaffText.say("status.seconds", ["n": $0]) } ?? StaffText.say("status.unknown")
        lines.append("  " + StaffText.say("status.rate", ["rate": String(format: "%.1f", s.rate), "eta": eta, "unknown": s.unknownOutcomes,
                                                          "tests": s.tests]))
        lines.append("  " + StaffText.say("status.rsvp", ["yes": s.rsvp.yes, "guests": s.rsvp.guests, "no": s.rsvp.no]))
        if s.rsvp.confirmed + s.rsvp.waitlisted + s.rsvp.offered + s.rsvp.checkedIn > 0 {
            lines.append("  " + StaffText.say("status.seats", ["confirmed": s.rsvp.confirmed, "waitlisted": s.rsvp.waitlisted,
                                                             "offered": s.rsvp.offered, "checked_in": s.rsvp.checkedIn]))
        }
        for r in s.relays {
            // The daemon writes a relay's state only when it changes (cooling, faulted, up again).
            let state = r.state.map { StaffText.say("status.relay_state." + $0) }
                ?? StaffText.say(r.sent > 0 ? "status.relay_no_fault" : "status.relay_unused")
            lines.append("  " + StaffText.say("status.relay", ["url": r.url, "state": state, "reason": r.reason.map { " (\(OutsideText.cleaned($0)))" } ?? "",
                                                               "sent": r.sent]))
        }
        return lines
    }
}
