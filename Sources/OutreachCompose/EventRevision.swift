import OutreachModel

/// How a reminder, change notice or cancellation relates to the invitation it follows: its
/// calendar part carries the UID each person got in the invitation (made from the invitation's
/// slug) with the event's SEQUENCE now, so calendars move or remove the entry they already have;
/// its RSVP links answer the invitation.
public struct EventRevision: Sendable {
    /// The invitation's slug and id.
    public var invitationSlug: String
    public var invitationID: Int64
    /// The iCalendar SEQUENCE (0 in the invitation, one more per notice).
    public var sequence: Int
    /// A cancellation: the calendar is `METHOD:CANCEL`, `STATUS:CANCELLED`.
    public var cancelled: Bool
    /// A change notice's event before the change (the message shows old → new).
    public var previousEvent: Event?

    public init(invitationSlug: String, invitationID: Int64, sequence: Int, cancelled: Bool, previousEvent: Event?) {
        self.invitationSlug = invitationSlug; self.invitationID = invitationID; self.sequence = sequence
        self.cancelled = cancelled; self.previousEvent = previousEvent
    }

    /// The event fields a change notice compares, old → new (`{{#changed.venue}}…{{/changed.venue}}`).
    static let comparedFields = ["date", "time", "venue", "address", "title"]

    /// Per field that differs in `language`: true (`changed`), and the previous values (`previous`).
    func changes(to current: [String: String], language: String) -> (changed: [String: Bool], previous: [String: String])? {
        guard let previousEvent else { return nil }
        let previous = EventFields.fields(previousEvent, language: language)
        var changed: [String: Bool] = [:]
        for field in Self.comparedFields where previous[field] != current[field] { changed[field] = true }
        return (changed, previous)
    }
}
