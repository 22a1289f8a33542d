import OutreachModel

/// How a delivery worker hands a message to a relay. `CurlSMTPTransport` is the real one; tests
/// drive the workers with an in-process fake that refuses, drops and stalls on cue.
/// One worker owns one transport and uses it from its own thread only.
public protocol MailTransport: AnyObject {
    /// Sends `message` (CRLF-only bytes, exactly as composed) from the envelope sender `from` to
    /// the one recipient `to`, and says what the relay answered. `beforeEndOfData` runs before
    /// the message's last bytes go out, and so before the final "." that delivers it (not at all
    /// when the relay refuses earlier): the worker waits there for the previous outcome's commit.
    func send(_ message: [UInt8], from: String, to: EmailAddress, beforeEndOfData: () -> Void) -> DeliveryOutcome
}

extension MailTransport {
    /// Sends `message` with nothing to wait for before its end.
    public func send(_ message: [UInt8], from: String, to: EmailAddress) -> DeliveryOutcome {
        send(message, from: from, to: to, beforeEndOfData: {})
    }
}

/// The SMTP command a reply answered: who is at fault for a refusal depends on it.
public enum SMTPStage: String, Sendable, Equatable {
    /// Connecting, the greeting, EHLO: before any command of ours about a message.
    case connection
    case starttls = "STARTTLS"
    case auth = "AUTH"
    case mailFrom = "MAIL FROM"
    case rcptTo = "RCPT TO"
    case data = "DATA"
    /// The reply to the final "." after the message.
    case endOfData = "end of data"
}

/// What happened to one message at the relay.
public enum DeliveryOutcome: Sendable, Equatable {
    /// Accepted (2xx after the final ".").
    case sent(SMTPReply?)
    /// Try again later: a 4xx, a dropped connection, a timeout. `relayDown`: the relay itself is
    /// unavailable (421, refused connection), so every message should wait, not only this one.
    case transient(reason: String, code: Int?, relayDown: Bool)
    /// This message is refused for good: a 5xx to RCPT TO (the recipient) or after DATA (the
    /// message), or an address the relay cannot take.
    case permanent(reason: String, code: Int?, enhanced: String?, stage: SMTPStage)
    /// The relay's own fault, not the recipient's: a 5xx to MAIL FROM, AUTH or STARTTLS, a
    /// failed login, a certificate that does not verify. Nobody is failed or suppressed; the
    /// campaign pauses with `reason` (the relay's words) and `fix` (what staff can change).
    case relayFault(reason: String, fix: String)
    /// The message was handed over but the final "." got no reply: it may have been delivered.
    case unknown(reason: String)

}
