/// One server reply line as libcurl's header callback sees it: `550 5.1.1 <x>: Recipient unknown`.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    /// The RFC 3463 enhanced status code, when the server gives one (`5.1.1`).
    public let enhanced: String?
    public let text: String
    public var description: String { text }

    public init?(line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let digits = trimmed.prefix(3)
        guard digits.count == 3, let code = Int(digits), (200...599).contains(code) else { return nil }
        self.code = code
        self.text = trimmed
        let rest = trimmed.dropFirst(4)
        let first = rest.prefix { $0 != " " }
        let parts = first.split(separator: ".")
        if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }), ["2", "4", "5"].contains(parts[0]) {
            enhanced = String(first)
        } else {
            enhanced = nil
        }
    }
}

/// What happened to one message at the relay.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted (2xx after the final ".").
    case sent(SMTPReply?)
    /// Try again later: a 4xx, a dropped connection, a timeout. `relayDown`: the relay itself is
    /// unavailable (421, refused connection), so every message should wait, not only this one.
    case transient(reason: String, code: Int?, relayDown: Bool)
    /// Never try again: a 5xx, or a recipient the relay cannot take.
    case permanent(reason: String, code: Int?, enhanced: String?)
    /// The message was handed over but the final "." got no reply: it may have been delivered.
    case unknown(reason: String)

    /// A 5.1.1, 5.1.2 or 5.1.10: the mailbox or domain does not exist.
    public var isHardBounce: Bool {
        if case .permanent(_, _, let enhanced?) = self { return ["5.1.1", "5.1.2", "5.1.10"].contains(enhanced) }
        return false
    }
}
