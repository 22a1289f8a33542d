import Foundation

/// A segment expression: space-separated `key=value[,value…]` terms, AND across terms, OR inside a
/// term, over `kind`, `country`, `language`, `city`, `tag`, `consent` and `topic` (the people a
/// campaign of that topic reaches: those who chose it, and those who chose no topic).
/// Example: `kind=overseas_vietnamese country=DE,FR consent=granted`.
public struct Segment: Sendable, Equatable, CustomStringConvertible {
    public enum Key: String, Sendable, CaseIterable {
        case kind, country, language, city, tag, consent, topic
        /// For a follow-up of an invitation only: the person's answer to it (`yes`, `no`, `none`,
        /// `waitlisted`, `confirmed`: a yes holding a seat) and whether they were checked in at its door (`yes`, `no`).
        case rsvp, attended
    }

    /// Whether the segment has terms that speak of an invitation (`rsvp`, `attended`).
    public var needsInvitation: Bool { terms.contains { $0.key == .rsvp || $0.key == .attended } }

    /// A term that cannot be read, quoted as written.
    public struct Failure: StaffFacingError {
        public let term: String
        public let problem: StaffMessage
        public var message: StaffMessage { StaffMessage("segment.bad_term", ["term": term, "problem": problem]) }
        public init(term: String, problem: StaffMessage) { self.term = term; self.problem = problem }
    }

    public let terms: [(key: Key, values: [String])]
    public let description: String

    public static func == (a: Segment, b: Segment) -> Bool { a.description == b.description }

    public init(_ expression: String) throws(Failure) {
        var terms: [(Key, [String])] = []
        for raw in expression.split(whereSeparator: \.isWhitespace) {
            let term = String(raw)
            guard let eq = term.firstIndex(of: "=") else { throw Failure(term: term, problem: StaffMessage("segment.not_key_value")) }
            let keyText = term[..<eq].lowercased()
            guard let key = Key(rawValue: keyText) else {
                throw Failure(term: term, problem: StaffMessage("segment.unknown_key", ["key": keyText, "keys": Key.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            let values = term[term.index(after: eq)...].split(separator: ",").map(String.init).filter { !$0.isEmpty }
            guard !values.isEmpty else { throw Failure(term: term, problem: StaffMessage("segment.no_value")) }
            switch key {
            case .kind:
                for v in values where ContactKind(rawValue: v) == nil {
                    throw Failure(term: term, problem: StaffMessage("segment.not_one_of", ["value": v, "choices": ContactKind.allCases.map(\.rawValue).joined(separator: ", ")]))
                }
            case .consent:
                for v in values where ConsentStatus(rawValue: v) == nil && v != "none" {
                    throw Failure(term: term, problem: StaffMessage("segment.not_one_of", ["value": v, "choices": "granted, pending, withdrawn, none"]))
                }
            case .country:
                for v in values where v.count != 2 || !v.allSatisfy(\.isLetter) {
                    throw Failure(term: term, problem: StaffMessage("segment.not_country", ["value": v]))
                }
            case .topic:
                for v in values where !Topic.isValidName(v) {
                    throw Failure(term: term, problem: StaffMessage("segment.not_topic", ["value": v]))
                }
            case .rsvp:
                for v in values where !["yes", "no", "none", "waitlisted", "confirmed"].contains(v) {
                    throw Failure(term: term, problem: StaffMessage("segment.not_one_of", ["value": v, "choices": "yes, no, none, waitlisted, confirmed"]))
                }
            case .attended:
                for v in values where v != "yes" && v != "no" {
                    throw Failure(term: term, problem: StaffMessage("segment.not_one_of", ["value": v, "choices": "yes, no"]))
                }
            case .language, .city, .tag: break
            }
            terms.append((key, values))
        }
        self.terms = terms
        self.description = terms.map { "\($0.0.rawValue)=\($0.1.joined(separator: ","))" }.joined(separator: " ")
    }
}
