import Foundation
import OutreachModel

/// An RFC 5545 calendar for an event, in the recipient's language: `METHOD:PUBLISH` for the
/// invitation and its updates (same UID, higher SEQUENCE: calendars move the entry), or
/// `METHOD:CANCEL` with `STATUS:CANCELLED` when the event is cancelled (RFC 5546 §3.2.5).
/// PUBLISH, not REQUEST: a bulk REQUEST would flood the organizer with replies; RSVP goes through our links.
public enum ICalendar {
    /// The iTIP method of a calendar; the `text/calendar; method=` parameter says the same.
    public enum Method: String, Sendable { case publish = "PUBLISH", cancel = "CANCEL" }

    /// The calendar with the DTSTAMP value already written (or a placeholder for it).
    static func publish(event: Event, uid: String, languages: [String], stampText: String, sequence: Int = 0,
                        method: Method = .publish) -> String {
        let summary = Event.text(event.title, languages) ?? ""
        let location = [Event.text(event.venue, languages), Event.text(event.address, languages)].compactMap { $0 }.joined(separator: ", ")
        let description = Event.text(event.description, languages)
        let organizer = Event.text(event.organizerName, languages) ?? ""
        let schedule = event.resolvedSchedule
        // A fixed-offset zone (no daylight saving) gets a VTIMEZONE; any other is written in UTC.
        let fixedOffset = schedule.fixedOffset
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Outreach//Invitations//EN", "CALSCALE:GREGORIAN", "METHOD:\(method.rawValue)"]
        if fixedOffset {
            let offset = offsetText(schedule.start.offset)
            lines += ["BEGIN:VTIMEZONE", "TZID:\(event.timeZone)", "BEGIN:STANDARD", "DTSTART:19700101T000000",
                      "TZOFFSETFROM:\(offset)", "TZOFFSETTO:\(offset)", "END:STANDARD", "END:VTIMEZONE"]
        }
        lines += ["BEGIN:VEVENT", "UID:\(uid)", "DTSTAMP:\(stampText)"]
        if sequence > 0 { lines.append("SEQUENCE:\(sequence)") }
        if fixedOffset {
            lines += ["DTSTART;TZID=\(event.timeZone):\(local(schedule.start))",
                      "DTEND;TZID=\(event.timeZone):\(local(schedule.end))"]
        } else {
            lines += ["DTSTART:\(utc(schedule.start.date))", "DTEND:\(utc(schedule.end.date))"]
        }
        lines.append("SUMMARY:\(escape(summary))")
        if !location.isEmpty { lines.append("LOCATION:\(escape(location))") }
        if let description { lines.append("DESCRIPTION:\(escape(description))") }
        if let url = event.mapURL { lines.append("URL:\(url)") }
        lines.append("ORGANIZER;CN=\"\(organizer.replacingOccurrences(of: "\"", with: "'"))\":mailto:\(event.organizerEmail)")
        lines += ["STATUS:\(method == .cancel ? "CANCELLED" : "CONFIRMED")", "TRANSP:OPAQUE", "END:VEVENT", "END:VCALENDAR"]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// TEXT escaping: backslash, semicolon, comma, newline.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n", "\r": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// Folds a content line at 75 octets, never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        let bytes = Array(line.utf8)
        guard bytes.count > 75 else { return line }
        var parts: [String] = []
        var start = 0
        var limit = 75
        while start < bytes.count {
            var end = min(bytes.count, start + limit)
            while end < bytes.count && (bytes[end] & 0xC0) == 0x80 { end -= 1 }
            parts.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = end
            limit = 74
        }
        return parts.joined(separator: "\r\n ")
    }

    /// `YYYYMMDDTHHMMSSZ` (composing stamps every message with it).
    static func utc(_ date: Date) -> String {
        let t = UTCTime(date)
        return "\(t.year)\(t.month)\(t.day)T\(t.hour)\(t.minute)\(t.second)Z"
    }
    /// `YYYYMMDDTHHMMSS`, the wall-clock time in the event's zone.
    static func local(_ moment: Event.Schedule.Moment) -> String {
        let t = moment.local
        return "\(t.year)\(t.month)\(t.day)T\(t.hour)\(t.minute)\(t.second)"
    }

    /// `+0700`.
    static func offsetText(_ seconds: Int) -> String {
        let s = abs(seconds)
        return (seconds < 0 ? "-" : "+") + UTCTime.two(s / 3600) + UTCTime.two((s % 3600) / 60)
    }
}
