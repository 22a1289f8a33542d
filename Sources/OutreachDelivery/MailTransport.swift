import OutreachModel

/// How a delivery worker hands a message to a relay. `CurlSMTPTransport` is the real one; tests
/// drive the workers with an in-process fake that refuses, drops and stalls on cue.
/// One worker owns one transport and uses it from its own thread only.
public protocol MailTransport: AnyObject {
    /// Sends `message` (CRLF-only bytes, exactly as composed) from the envelope sender `from` to
    /// the one recipient `to`, and says what the relay answered.
    func send(_ message: [UInt8], from: String, to: EmailAddress) -> DeliveryOutcome
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
