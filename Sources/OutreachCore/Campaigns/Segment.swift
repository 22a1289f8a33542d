import Foundation
import GRDB

/// A segment expression: space-separated `key=value[,value…]` terms, AND across terms, OR inside a
/// term, over `kind`, `country`, `language`, `city`, `tag` and `consent`.
/// Example: `kind=overseas_vietnamese country=DE,FR consent=granted`.
public struct Segment: Sendable, Equatable, CustomStringConvertible {
    public enum Key: String, Sendable, CaseIterable { case kind, country, language, city, tag, consent }

    /// A term that cannot be read, quoted as written.
    public struct Failure: Error, CustomStringConvertible {
        public let term: String
        public let problem: String
        public var description: String { "segment term \"\(term)\": \(problem)" }
    }

    public let terms: [(key: Key, values: [String])]
    public let description: String

    public static func == (a: Segment, b: Segment) -> Bool { a.description == b.description }

    public init(_ expression: String) throws(Failure) {
        var terms: [(Key, [String])] = []
        for raw in expression.split(whereSeparator: \.isWhitespace) {
            let term = String(raw)
            guard let eq = term.firstIndex(of: "=") else { throw Failure(term: term, problem: "is not key=value") }
            let keyText = term[..<eq].lowercased()
            guard let key = Key(rawValue: keyText) else {
                throw Failure(term: term, problem: "\"\(keyText)\" is not one of \(Key.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let values = term[term.index(after: eq)...].split(separator: ",").map(String.init).filter { !$0.isEmpty }
            guard !values.isEmpty else { throw Failure(term: term, problem: "has no value") }
            switch key {
            case .kind:
                for v in values where Contact.Kind(rawValue: v) == nil {
                    throw Failure(term: term, problem: "\"\(v)\" is not one of \(Contact.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
            case .consent:
                for v in values where Consent.Status(rawValue: v) == nil && v != "none" {
                    throw Failure(term: term, problem: "\"\(v)\" is not one of granted, pending, withdrawn, none")
                }
            case .country:
                for v in values where v.count != 2 || !v.allSatisfy(\.isLetter) {
                    throw Failure(term: term, problem: "\"\(v)\" is not an ISO 3166 alpha-2 code")
                }
            case .language, .city, .tag: break
            }
            terms.append((key, values))
        }
        self.terms = terms
        self.description = terms.map { "\($0.0.rawValue)=\($0.1.joined(separator: ","))" }.joined(separator: " ")
    }

    /// Whether the segment says which consent states it wants.
    public var namesConsent: Bool { terms.contains { $0.key == .consent } }

    /// SQL condition over the contact aliased `c` (always true for an empty segment).
    public var sql: (condition: String, arguments: StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }
        for (key, values) in terms {
            switch key {
            case .kind:
                parts.append("c.kind IN (\(marks(values.count)))"); arguments += StatementArguments(values)
            case .country:
                parts.append("c.country IN (\(marks(values.count)))"); arguments += StatementArguments(values.map { $0.uppercased() })
            case .language:
                parts.append("(" + values.map { _ in "(c.language = ? COLLATE NOCASE OR c.language LIKE ?)" }.joined(separator: " OR ") + ")")
                for v in values { arguments += [v, v + "-%"] }
            case .city:
                parts.append("c.city COLLATE NOCASE IN (\(marks(values.count)))")
                arguments += StatementArguments(values.map { $0.precomposedStringWithCanonicalMapping })
            case .tag:
                parts.append("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value IN (\(marks(values.count))))")
                arguments += StatementArguments(values.map { $0.lowercased() })
            case .consent:
                let named = values.filter { $0 != "none" }
                var alternatives: [String] = []
                if !named.isEmpty { alternatives.append("\(ConsentLedger.currentStatusSQL) IN (\(marks(named.count)))"); arguments += StatementArguments(named) }
                if values.contains("none") { alternatives.append("\(ConsentLedger.currentStatusSQL) IS NULL") }
                parts.append("(" + alternatives.joined(separator: " OR ") + ")")
            }
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), arguments)
    }
}
