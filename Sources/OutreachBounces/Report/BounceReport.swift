import Foundation

/// What one message in the bounce mailbox says.
///
/// The message is read once, leniently, from its raw bytes: a delivery status notification
/// (RFC 3464/6533), an abuse report (RFC 5965), a non-standard bounce, an auto-reply, or a person's
/// mail to the address of our envelope sender.
public struct BounceReport: Sendable, Equatable {
    /// What kind of message it is, which decides what the mailbox service does with it.
    public enum Kind: String, Sendable, Codable {
        /// A delivery status notification: multipart/report with report-type delivery-status or
        /// global-delivery-status (RFC 3464, RFC 6533).
        case deliveryStatus = "dsn"
        /// A complaint: an ARF report (RFC 5965), multipart/report with report-type feedback-report.
        case complaint
        /// An automatic reply (out of office, vacation, read receipt), recognised by the signals listed
        /// in `AutoReplySignals`. A delivery report or complaint is never one, though also automatic.
        case autoReply = "auto-reply"
        /// A bounce in no standard format (Exim, qmail, old Exchange), recognised by its sender and
        /// its wording; see `PlainBounce`.
        case plainBounce = "plain-bounce"
        /// Anything else, e.g. a person's mail to the unsubscribe address.
        case message
    }

    /// What a report says about one recipient.
    public struct RecipientStatus: Sendable, Equatable {
        /// Lower-cased: failed, delayed, delivered, relayed or expanded.
        public var action: String?
        /// The enhanced status code (RFC 3463), e.g. "5.1.1", without comments.
        public var status: String?
        /// The address the report is about, without its type ("rfc822;", "utf-8;") and decoded.
        public var finalRecipient: String?
        /// The address as the sender originally gave it, when the report says.
        public var originalRecipient: String?
        /// The remote server's answer, unfolded and without its type: "550 5.1.1 …".
        public var diagnosticCode: String?
        /// The server that gave that answer, without its type: "mx.example.com".
        public var remoteMTA: String?

        /// A recipient status with the given fields.
        public init(action: String? = nil, status: String? = nil, finalRecipient: String? = nil, originalRecipient: String? = nil,
                    diagnosticCode: String? = nil, remoteMTA: String? = nil) {
            self.action = action
            self.status = status
            self.finalRecipient = finalRecipient
            self.originalRecipient = originalRecipient
            self.diagnosticCode = diagnosticCode
            self.remoteMTA = remoteMTA
        }
    }

    /// What kind of message this is.
    public var kind: Kind
    /// DSN: one per per-recipient block. Plain bounce: one, guessed from the text: the first enhanced
    /// code near an SMTP reply, else a basic 5xx → "5.0.0" / 4xx → "4.0.0"; the failed address if the
    /// text names one. Empty for other kinds.
    public var recipients: [RecipientStatus]
    /// The ARF `Feedback-Type` (abuse, fraud, not-spam, …), lower-cased.
    public var feedbackType: String?
    /// The addresses this message was delivered to, from Delivered-To, X-Original-To, Envelope-To,
    /// X-Envelope-To, To and Cc, in that order, deduplicated without regard to case. Our VERP token
    /// is in the local part of one of them: `bounces+TOKEN@domain`.
    public var deliveredTo: [String]
    /// Addresses from the returned original message (a message/rfc822, message/global or
    /// text/rfc822-headers part, or for plain bounces the copy quoted after "------ This is a copy of
    /// the message" and the like): its Return-Path and each `mailto:` of its List-Unsubscribe; for a
    /// complaint also the report's Original-Mail-From and Original-Rcpt-To. Deduplicated.
    public var originalAddresses: [String]
    /// The Message-ID of the returned original, without angle brackets. For auto-replies and other
    /// messages: In-Reply-To, else the last References entry.
    public var originalMessageID: String?
    /// This message's own Message-ID, without angle brackets.
    public var messageID: String?
    /// The subject, unfolded, with RFC 2047 encoded words decoded.
    public var subject: String?
    /// The address in From (it may lack a domain, as "MAILER-DAEMON" does).
    public var from: String?
    /// The Date field as written.
    public var date: String?

    /// Reads one message from the bounce mailbox, written with CR LF or bare LF line ends. Lenient:
    /// it throws only when the bytes are not a message at all.
    public init(parsing bytes: [UInt8]) throws {
        let message = try Self.readMessage(bytes)
        let header = message.header
        kind = .message
        recipients = []
        originalAddresses = []
        messageID = header.text("message-id").map(\.insideAngleBrackets).flatMap { $0.isEmpty ? nil : $0 }
        subject = header.decodedText("subject")
        from = header.text("from").flatMap { AddressList.first(in: $0, allowLocal: true) }
        date = header.text("date")
        deliveredTo = Self.deliveredTo(header)
        let lowercasedSubject = subject.map(SubjectText.lowercased)

        if let status = message.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.contentType.mimeType) }) {
            readDeliveryStatus(status, in: message)
        } else if let feedback = message.first(where: { $0.contentType.mimeType == "message/feedback-report" }) {
            readFeedbackReport(feedback, in: message)
        } else if let reportType = message.first(where: { $0.contentType.mimeType == "multipart/report" })?.contentType.parameters["report-type"]?.lowercased(),
                  ["delivery-status", "global-delivery-status", "feedback-report"].contains(reportType) {
            // A report whose status part was lost on the way: its kind still holds.
            kind = reportType == "feedback-report" ? .complaint : .deliveryStatus
            addOriginal(from: message)
        } else if let bounce = PlainBounce(message, lowercasedSubject: lowercasedSubject, from: from) {
            kind = .plainBounce
            recipients = [bounce.recipient]
            if let original = Self.originalHeader(in: message) ?? bounce.quotedOriginal {
                addOriginal(original)
            }
        } else {
            if AutoReplySignals.present(in: message, lowercasedSubject: lowercasedSubject) { kind = .autoReply }
            originalMessageID = header.text("in-reply-to").flatMap { Self.messageIDs(in: $0).first }
                ?? header.text("references").flatMap { Self.messageIDs(in: $0).last }
        }
    }

    /// The message ids in an In-Reply-To or References value, without angle brackets.
    static func messageIDs(in value: String) -> [String] {
        var ids: [String] = []
        let bytes = Array(value.utf8)[...]
        var i = bytes.startIndex
        while let open = bytes[i...].firstIndex(of: 0x3C), let close = bytes[open...].firstIndex(of: 0x3E) {
            let id = bytes[(open + 1)..<close].trimmingWhitespace()
            if !id.isEmpty { ids.append(String(decoding: id, as: UTF8.self)) }
            i = close
        }
        return ids
    }

    /// The fields that tell the message was delivered to us, in the order the mailbox writes them.
    static let deliveryFields = ["delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "to", "cc"]

    private static func deliveredTo(_ header: HeaderFields) -> [String] {
        var addresses: [String] = []
        var seen: Set<String> = []
        for name in deliveryFields {
            for field in header.all(name) {
                for address in AddressList.addresses(in: field.text) where seen.insert(address.lowercased()).inserted {
                    addresses.append(address)
                }
            }
        }
        return addresses
    }

    /// Fields at least one of which every message has; bytes with none of them are not a message.
    private static let messageFields = ["from", "sender", "to", "cc", "subject", "date", "message-id", "received",
                                        "return-path", "delivered-to", "mime-version", "content-type", "x-original-to", "reply-to"]

    /// The top-level entity, or why these bytes are not a message.
    static func readMessage(_ bytes: [UInt8]) throws -> MIMEEntity {
        var slice = bytes[...]
        if slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
        // An mbox "From " separator line may precede the header.
        if slice.starts(with: Array("From ".utf8)) { slice = slice[slice.line(at: slice.startIndex).next...] }
        guard !slice.trimmingWhitespace().isEmpty else {
            throw bytes.isEmpty ? BounceParseError.empty : BounceParseError.blank
        }
        let (header, bodyStart) = HeaderFields.parse(slice, from: slice.startIndex)
        guard !header.fields.isEmpty else {
            let line = slice[slice.line(at: slice.startIndex).content].prefix(40)
            throw BounceParseError.notAHeader(line: String(decoding: line, as: UTF8.self).debugDescription)
        }
        guard messageFields.contains(where: { header.first($0) != nil }) else {
            let names = header.fields.prefix(3).map { String(decoding: $0.name, as: UTF8.self).debugDescription }.joined(separator: ", ")
            throw BounceParseError.noMessageFields(names: names)
        }
        return MIMEEntity(header: header, body: slice[bodyStart...])
    }
}
