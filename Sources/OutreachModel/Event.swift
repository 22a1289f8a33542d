import Foundation
import Yams

/// An event invitations are for, read from `Config/events/*.yaml`. Text fields are per language.
public struct Event: Codable, Sendable, Equatable {
    public var title: [String: String]
    public var description: [String: String]?
    /// Local times in `timeZone`, as written in the file (`2027-01-30T18:00`).
    public var start: String
    public var end: String
    public var timeZone: String
    public var venue: [String: String]
    public var address: [String: String]?
    public var mapURL: String?
    public var dressCode: [String: String]?
    public var rsvpDeadline: String?
    public var organizerName: [String: String]
    public var organizerEmail: String
    public var phone: String?
    /// The kind of event (`topics` in the configuration): its invitations reach the people who
    /// chose it and those who chose no topic.
    public var topic: String?
    /// Seats at the event, guests included (`capacity`); nil: no limit, every yes is confirmed.
    public var capacity: Int?
    /// The instants and day names worked out when the event was read (absent in campaigns created
    /// before it existed: they are then worked out again on use).
    public var schedule: Schedule?

    enum CodingKeys: String, CodingKey {
        case title, description, start, end, venue, address, phone, schedule, topic, capacity
        case timeZone = "time_zone", mapURL = "map_url", dressCode = "dress_code", rsvpDeadline = "rsvp_deadline"
        case organizerName = "organizer_name", organizerEmail = "organizer_email"
    }

    /// An event file that cannot be used, with the field at fault.
    public struct Failure: StaffFacingError {
        public let file: String
        public let field: String
        public let problem: StaffMessage
        public init(file: String, field: String, problem: StaffMessage) { self.file = file; self.field = field; self.problem = problem }
        public var message: StaffMessage {
            field.isEmpty ? StaffMessage("event.file_problem", ["file": file, "problem": problem])
                : StaffMessage("event.field_problem", ["file": file, "field": field, "problem": problem])
        }
    }

    /// When answers close, if the event has an RSVP deadline.
    public var rsvpDeadlineDate: Date? { resolvedSchedule.rsvpDeadline?.date }

    /// The event's times as fixed facts: instants, the zone's offset at each, and each start day
    /// written out in the languages we write in. Worked out once, when the event file is read, and
    /// frozen into the campaign with the rest of the event, so composing a message or a page needs
    /// no time-zone or locale data: the daemon never loads ICU (megabytes of memory), and every
    /// message of a campaign shows the same date even if the system's time-zone rules change
    /// while it is sending.
    public struct Schedule: Codable, Sendable, Equatable {
        /// One instant: seconds since 1970 (UTC) and the zone's offset from UTC then, in seconds.
        public struct Moment: Codable, Sendable, Equatable {
            public var unix: Int64
            public var offset: Int
            public var date: Date { Date(timeIntervalSince1970: TimeInterval(unix)) }
            /// The wall-clock time in the event's zone, broken down.
            package var local: UTCTime { UTCTime(Date(timeIntervalSince1970: TimeInterval(unix + Int64(offset)))) }
            /// `18:00`.
            package var clock: String { let l = local; return "\(l.hour):\(l.minute)" }
        }
        public var start: Moment
        public var end: Moment
        public var rsvpDeadline: Moment?
        /// Whether the zone keeps one offset all year (calendars then name the zone; otherwise UTC).
        public var fixedOffset: Bool
        /// Per language, the start's day and the RSVP deadline's day in full ("Saturday, January 30, 2027").
        public var startDay: [String: String]
        public var deadlineDay: [String: String]
    }

    /// Languages whose day names every schedule carries (those of the invitations and pages).
    public static let writtenLanguages = ["vi", "en", "fr", "ko", "ja", "zh"]

    /// The stored schedule (`Campaign.event` fills in the one older snapshots lack).
    public var resolvedSchedule: Schedule { schedule ?? (try? makeSchedule(languages: Event.writtenLanguages))! }

    /// Works the schedule out with the system's time-zone and locale data, checking the zone and
    /// the times on the way (`file` names the event file in the errors).
    public func makeSchedule(languages: [String], file: String = "") throws -> Schedule {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw Failure(file: file, field: "time_zone", problem: StaffMessage("event.not_time_zone", ["zone": timeZone]))
        }
        func moment(_ text: String, _ field: String, like example: String) throws -> Schedule.Moment {
            guard let d = Event.parseLocal(text, zone) else {
                throw Failure(file: file, field: field, problem: StaffMessage("event.not_date_time", ["text": text, "example": example]))
            }
            return .init(unix: Int64(d.timeIntervalSince1970.rounded(.down)), offset: zone.secondsFromGMT(for: d))
        }
        let start = try moment(start, "start", like: "2027-01-30T18:00"), end = try moment(end, "end", like: "2027-01-30T21:00")
        guard end.unix > start.unix else { throw Failure(file: file, field: "end", problem: StaffMessage("event.end_not_after_start")) }
        let deadline = try rsvpDeadline.map { try moment($0, "rsvp_deadline", like: "2027-01-23T17:00") }
        var startDay: [String: String] = [:], deadlineDay: [String: String] = [:]
        for language in Set(languages) {
            let day = DateFormatter()
            day.locale = Locale(identifier: language)
            day.timeZone = zone
            day.dateStyle = .full
            day.timeStyle = .none
            startDay[language] = day.string(from: start.date)
            if let deadline { deadlineDay[language] = day.string(from: deadline.date) }
        }
        return Schedule(start: start, end: end, rsvpDeadline: deadline,
                        fixedOffset: zone.nextDaylightSavingTimeTransition(after: start.date.addingTimeInterval(-366 * 86_400)) == nil,
                        startDay: startDay, deadlineDay: deadlineDay)
    }

    public static func parse(_ text: String, file: String) throws -> Event {
        var event: Event
        do {
            let node = try Yams.compose(yaml: text)
            guard var mapping = node?.mapping else { throw Failure(file: file, field: "", problem: StaffMessage("event.not_mapping")) }
            if mapping["time_zone"] == nil { mapping["time_zone"] = "Asia/Ho_Chi_Minh" }
            event = try YAMLDecoder().decode(Event.self, from: Node.mapping(mapping))
        } catch let failure as Failure {
            throw failure
        } catch let error as DecodingError {
            throw Failure(file: file, field: error.fieldPath, problem: error.problem)
        } catch {
            throw Failure(file: file, field: "", problem: StaffMessage("event.not_yaml", ["error": "\(error)"]))
        }
        event.title = event.title.normalized
        let languages = [event.title, event.description, event.venue, event.address, event.organizerName, event.dressCode]
            .compactMap { $0?.keys }.joined()
        event.schedule = try event.makeSchedule(languages: Event.writtenLanguages + languages, file: file)
        try event.check(file: file)
        return event
    }

    /// The checks besides the zone and the times (`makeSchedule` makes those).
    func check(file: String) throws {
        guard !title.isEmpty else { throw Failure(file: file, field: "title", problem: StaffMessage("event.title_no_language")) }
        guard (try? EmailAddress(organizerEmail)) != nil else { throw Failure(file: file, field: "organizer_email", problem: StaffMessage("event.not_email", ["text": organizerEmail])) }
        if let topic, !Topic.isValidName(topic) {
            throw Failure(file: file, field: "topic", problem: StaffMessage("event.not_topic", ["text": topic]))
        }
        if let url = mapURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw Failure(file: file, field: "map_url", problem: StaffMessage("event.not_url", ["text": url]))
        }
        if let capacity, capacity < 1 { throw Failure(file: file, field: "capacity", problem: StaffMessage("event.not_capacity", ["value": "\(capacity)"])) }
    }

    /// `2027-01-30T18:00` (or with seconds) in the zone.
    static func parseLocal(_ text: String, _ tz: TimeZone) -> Date? {
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = tz
            f.dateFormat = format
            if let d = f.date(from: text) { return d }
        }
        return nil
    }

    /// The text of a per-language field in `language`, falling back to `fallbacks` then any.
    public static func text(_ map: [String: String]?, _ languages: [String]) -> String? {
        guard let map, !map.isEmpty else { return nil }
        for l in languages { if let t = map[l] { return t } }
        return map["en"] ?? map.sorted { $0.key < $1.key }.first?.value
    }
}

extension Dictionary where Key == String, Value == String {
    var normalized: [String: String] {
        Dictionary(uniqueKeysWithValues: map { ($0.key.lowercased(), $0.value.precomposedStringWithCanonicalMapping) })
    }
}

extension DecodingError {
    var fieldPath: String {
        let path: [CodingKey]
        switch self {
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        @unknown default: path = []
        }
        return path.map(\.stringValue).joined(separator: ".")
    }
    var problem: StaffMessage {
        switch self {
        case .keyNotFound: StaffMessage("event.field_missing")
        case .typeMismatch(let type, _):
            type == String.self ? StaffMessage("event.expected_text")
                : type == [String: String].self ? StaffMessage("event.expected_language_map")
                : StaffMessage("event.expected_type", ["type": "\(type)"])
        case .valueNotFound: StaffMessage("event.field_empty")
        case .dataCorrupted(let c): StaffMessage("event.field_unreadable", ["detail": c.debugDescription])
        @unknown default: StaffMessage("event.field_invalid")
        }
    }
}
