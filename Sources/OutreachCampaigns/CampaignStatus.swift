import Foundation
import OutreachModel
import OutreachRegister

/// A campaign's progress, as `campaign status` prints it (and `--format json` writes it).
package struct CampaignStatus: Sendable, Encodable {
    package let slug: String
    package let status: String
    /// Why the daemon paused it (the relay's words and what to change); null otherwise.
    package let reason: String?
    package let queued, sending, sent, retry, failed, skipped, cancelled, unconfirmed: Int
    package let total: Int
    /// Messages accepted per relay, and each relay's state as the daemon last saw it.
    package let relays: [RelayReport]
    /// Messages sent per second since sending started.
    package let rate: Double
    /// Seconds until what is left is sent at that rate (nil when unknown).
    package let etaSeconds: Int?
    package let unknownOutcomes: Int
    package let rsvp: RSVPCounts
    package let tests: Int
    /// When it starts (or started), ISO 8601; a reminder set with `event-2d` follows its event.
    /// Made in UTC; the CLI shows it in the office's zone (`startsAt`).
    package var scheduledAt: String? = nil
    /// The same instant, for showing it in the office's zone (not encoded).
    package let startsAt: Date?
    /// A reminder's or notice's invitation, and what it is (`invitation`, `reminder`, `update`, `cancellation`).
    package var of: String? = nil
    package var kind: String = "invitation"

    /// Answers, and at an event with a capacity the seats: people confirmed, waitlisted, offered,
    /// and tickets checked in at the door (people and guests).
    package struct RSVPCounts: Sendable, Encodable { package let yes, no, guests, confirmed, waitlisted, offered, checkedIn: Int }
    /// Messages whose fate is settled.
    package var done: Int { sent + failed + skipped + cancelled + unconfirmed }

    /// The status of `progress` at `now`. The rate counts from when sending started (the launch
    /// or the scheduled time), only while it runs or once it finished; the reason shows only
    /// while it is paused.
    package init(_ progress: CampaignProgress, now: Date = Date()) {
        let c = progress.campaign
        slug = c.slug
        status = c.status.rawValue
        reason = c.status == .paused ? c.pauseReason : nil
        (queued, sending, sent, retry) = (progress[.queued], progress[.sending], progress[.sent], progress[.retry])
        (failed, skipped, cancelled, unconfirmed) = (progress[.failed], progress[.skipped], progress[.cancelled], progress[.unconfirmed])
        total = progress.total
        relays = progress.relays.map { RelayReport(url: $0.url, state: $0.state, reason: $0.reason, sent: $0.sent) }
        // Cheap on a million rows: the counts and one subtraction.
        let startedMs = c.scheduledAtMs ?? Timestamp.milliseconds(now)
        let elapsed = max(1, Double(Timestamp.milliseconds(now) - startedMs) / 1000)
        let left = progress[.queued] + progress[.retry] + progress[.sending]
        rate = c.status == .running || c.status == .finished ? Double(progress[.sent]) / elapsed : 0
        etaSeconds = left == 0 ? 0 : rate > 0 ? Int(Double(left) / rate) : nil
        unknownOutcomes = progress.unknownOutcomes
        let r = progress.rsvp
        rsvp = RSVPCounts(yes: r.yes, no: r.no, guests: r.guests, confirmed: r.confirmed, waitlisted: r.waitlisted, offered: r.offered,
                          checkedIn: r.checkedIn)
        tests = progress.tests
        startsAt = c.scheduledAtMs.map { Date(timeIntervalSince1970: Double($0) / 1000) }
        scheduledAt = startsAt.map { Timestamp.string($0) }
        of = c.parentSlug
        kind = c.kind.rawValue
    }

    enum CodingKeys: String, CodingKey {
        case slug, status, reason, queued, sending, sent, retry, failed, skipped, cancelled, unconfirmed, total, relays
        case rate, etaSeconds, unknownOutcomes, rsvp, tests, scheduledAt, of, kind
    }

    /// Every key always present: `reason` is null, not missing, when there is none.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(slug, forKey: .slug); try c.encode(status, forKey: .status); try c.encode(reason, forKey: .reason)
        for (key, value) in [(CodingKeys.queued, queued), (.sending, sending), (.sent, sent), (.retry, retry), (.failed, failed),
                             (.skipped, skipped), (.cancelled, cancelled), (.unconfirmed, unconfirmed), (.total, total),
                             (.unknownOutcomes, unknownOutcomes), (.tests, tests)] {
            try c.encode(value, forKey: key)
        }
        try c.encode(relays, forKey: .relays); try c.encode(rate, forKey: .rate); try c.encode(etaSeconds, forKey: .etaSeconds)
        try c.encode(rsvp, forKey: .rsvp)
        try c.encode(scheduledAt, forKey: .scheduledAt); try c.encode(of, forKey: .of); try c.encode(kind, forKey: .kind)
    }
}

/// One relay as `campaign status` shows it.
package struct RelayReport: Sendable, Encodable, Equatable {
    package let url: String
    /// `up`, `cooling` or `faulted` (nil: the daemon has not used it yet).
    package let state: String?
    package let reason: String?
    /// This campaign's messages it accepted.
    package let sent: Int
}
