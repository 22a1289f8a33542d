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

    enum CodingKeys: String, CodingKey {
        case title, description, start, end, venue, address, phone
        case timeZone = "time_zone", mapURL = "map_url", dressCode = "dress_code", rsvpDeadline = "rsvp_deadline"
        case organizerName = "organizer_name", organizerEmail = "organizer_email"
    }

    /// An event file that cannot be used, with the field at fault.
    public struct Failure: Error, CustomStringConvertible {
        public let file: String
        public let field: String
        public let problem: String
        public var description: String { "\(file): \(field.isEmpty ? "" : "field \(field): ")\(problem)" }
    }

    public var startDate: Date { Event.parseLocal(start, timeZone)! }
    public var endDate: Date { Event.parseLocal(end, timeZone)! }
    public var rsvpDeadlineDate: Date? { rsvpDeadline.flatMap { Event.parseLocal($0, timeZone) } }
    public var zone: TimeZone { TimeZone(identifier: timeZone)! }

    /// Reads and checks an event file.
    public static func load(path: String) throws -> Event {
        let name = (path as NSString).lastPathComponent
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(file: name, field: "", problem: "cannot read \(path)")
        }
        return try parse(text, file: name)
    }

    public static func parse(_ text: String, file: String) throws -> Event {
        var event: Event
        do {
            let node = try Yams.compose(yaml: text)
            guard var mapping = node?.mapping else { throw Failure(file: file, field: "", problem: "is not a YAML mapping") }
            if mapping["time_zone"] == nil { mapping["time_zone"] = "Asia/Ho_Chi_Minh" }
            event = try YAMLDecoder().decode(Event.self, from: Node.mapping(mapping))
        } catch let failure as Failure {
            throw failure
        } catch let error as DecodingError {
            throw Failure(file: file, field: error.fieldPath, problem: error.problem)
        } catch {
            throw Failure(file: file, field: "", problem: "is not valid YAML: \(error)")
        }
        event.title = event.title.normalized
        try event.check(file: file)
        return event
    }

    func check(file: String) throws {
        guard TimeZone(identifier: timeZone) != nil else { throw Failure(file: file, field: "time_zone", problem: "\"\(timeZone)\" is not a time zone") }
        guard !title.isEmpty else { throw Failure(file: file, field: "title", problem: "needs at least one language") }
        guard let s = Event.parseLocal(start, timeZone) else { throw Failure(file: file, field: "start", problem: "\"\(start)\" is not a date and time like 2027-01-30T18:00") }
        guard let e = Event.parseLocal(end, timeZone) else { throw Failure(file: file, field: "end", problem: "\"\(end)\" is not a date and time like 2027-01-30T21:00") }
        guard e > s else { throw Failure(file: file, field: "end", problem: "is not after start") }
        if let d = rsvpDeadline, Event.parseLocal(d, timeZone) == nil {
            throw Failure(file: file, field: "rsvp_deadline", problem: "\"\(d)\" is not a date and time like 2027-01-23T17:00")
        }
        guard (try? EmailAddress(organizerEmail)) != nil else { throw Failure(file: file, field: "organizer_email", problem: "\"\(organizerEmail)\" is not an email address") }
        if let url = mapURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
            throw Failure(file: file, field: "map_url", problem: "\"\(url)\" is not an http(s) URL")
        }
    }

    /// `2027-01-30T18:00` (or with seconds) in the zone.
    static func parseLocal(_ text: String, _ zone: String) -> Date? {
        guard let tz = TimeZone(identifier: zone) else { return nil }
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
    var problem: String {
        switch self {
        case .keyNotFound: "is missing"
        case .typeMismatch(let type, _): "has the wrong type (expected \(type == String.self ? "text" : type == [String: String].self ? "a map of language: text" : "\(type)"))"
        case .valueNotFound: "is empty"
        case .dataCorrupted(let c): c.debugDescription
        @unknown default: "is not valid"
        }
    }
}
