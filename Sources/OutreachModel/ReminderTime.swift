import Foundation

/// When a reminder goes out: a time before the event's start (`event-2d`, `event-36h`, `event-1w`,
/// `event-90m`), which moves with the event when a change notice moves it, or a fixed time
/// (ISO 8601, `2027-01-28T09:00:00+07:00`).
public enum ReminderTime: Sendable, Equatable, CustomStringConvertible {
    /// This many seconds before the event starts.
    case beforeEvent(seconds: Int64)
    /// At this moment, whatever happens to the event.
    case at(Date)

    /// Parses `event-2d`, `event-36h`, `event-1w`, `event-90m` or an ISO 8601 time; nil otherwise.
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t.hasPrefix("event-") {
            let amount = t.dropFirst("event-".count)
            let units: [(Character, Int64)] = [("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60)]
            guard let unit = amount.last, let factor = units.first(where: { $0.0 == unit })?.1,
                  let n = Int64(amount.dropLast()), n > 0 else { return nil }
            self = .beforeEvent(seconds: n * factor)
        } else if let date = ISO8601DateFormatter().date(from: text.trimmingCharacters(in: .whitespaces)) {
            self = .at(date)
        } else {
            return nil
        }
    }

    /// When to send for an event starting at `eventStart`.
    public func date(eventStart: Date) -> Date {
        switch self {
        case .beforeEvent(let seconds): eventStart.addingTimeInterval(-TimeInterval(seconds))
        case .at(let date): date
        }
    }

    /// The form it was given in, normalized (`event-172800s` is written `event-2d`).
    public var description: String {
        switch self {
        case .beforeEvent(let s):
            if s % 604_800 == 0 { return "event-\(s / 604_800)w" }
            if s % 86_400 == 0 { return "event-\(s / 86_400)d" }
            if s % 3600 == 0 { return "event-\(s / 3600)h" }
            return "event-\(s / 60)m"
        case .at(let date): return ISO8601DateFormatter().string(from: date)
        }
    }
}
