import Foundation

/// The office's clock (`office.time_zone`): how times are shown to staff and how a time they
/// type without an offset is read.
public struct OfficeClock: Sendable {
    public let zone: TimeZone

    public init(zone: TimeZone) { self.zone = zone }

    /// `2027-01-20 09:00 (+07:00)`: the wall-clock time in the office's zone, with its offset.
    public func show(_ date: Date) -> String {
        let f = formatter("yyyy-MM-dd HH:mm")
        return "\(f.string(from: date)) (\(offset(at: date)))"
    }

    /// `2027-01-20T09:00:00+07:00`: ISO 8601 in the office's zone (for JSON).
    public func iso(_ date: Date) -> String {
        formatter("yyyy-MM-dd'T'HH:mm:ss").string(from: date) + offset(at: date)
    }

    /// A time as staff type it: ISO 8601 with an offset or `Z`, or without one (then office time);
    /// seconds optional, `T` or a space between day and time. Nil when it is none of these.
    public func parse(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = ISO8601DateFormatter().date(from: t) { return d }
        let withOffset = ISO8601DateFormatter()
        withOffset.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withTimeZone, .withDashSeparatorInDate]
        if let d = withOffset.date(from: t) { return d }
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            if let d = formatter(format).date(from: t) { return d }
        }
        return nil
    }

    /// `+07:00` at `date`.
    func offset(at date: Date) -> String {
        let seconds = zone.secondsFromGMT(for: date)
        let sign = seconds < 0 ? "-" : "+"
        let minutes = abs(seconds) / 60
        return String(format: "%@%02d:%02d", sign, minutes / 60, minutes % 60)
    }

    private func formatter(_ format: String) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = format
        f.isLenient = false
        return f
    }
}

extension Settings {
    /// The office's clock, from `office.time_zone`.
    public var officeClock: OfficeClock { OfficeClock(zone: officeTimeZone) }
}
