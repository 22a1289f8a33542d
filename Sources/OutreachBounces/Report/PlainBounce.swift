import Foundation

/// A bounce in no standard format — Exim's "Mail delivery failed: returning message to sender",
/// qmail's "failure notice", old Exchange's "Undeliverable:" — and what its text says.
///
/// It is recognised when two of three signals agree, one of them the sender or the subject:
/// - the sender: From's local part is MAILER-DAEMON, postmaster, mail-daemon or Exchange's
///   MicrosoftExchange…, or its display name says "Mail Delivery";
/// - the subject names a failed or delayed delivery (`subjectPhrases`);
/// - the text says so in a mail server's words (`textPhrases`), before any quoted original.
struct PlainBounce {
    /// What the text says about the failed recipient.
    var recipient: BounceReport.RecipientStatus
    /// The header of the copy of the original message quoted in the text, if there is one.
    var quotedOriginal: HeaderFields?

    static let senderLocalParts: Set<String> = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon"]

    static let subjectPhrases = phraseBytes([
        "undeliverable", "undelivered", "mail delivery failed", "delivery status notification", "failure notice",
        "returned mail", "delivery failure", "delivery failed", "delivery has failed", "non remis", "non distribuable",
        "unzustellbar", "nicht zustellbar", "delivery delayed", "delayed mail", "warning: message", "could not be delivered",
        "không gửi được", "không thể chuyển",
    ])

    static let textPhrases = phraseBytes([
        "mail delivery software", "qmail-send program", "could not be delivered", "couldn't be delivered", "delivery has failed",
        "permanent error", "undeliverable", "undelivered", "recipnotfound", "this is the mail system", "did not reach",
        "cannot be reached", "has not yet been delivered", "delivery to the following recipient", "user unknown", "unknown user",
        "no such user", "no mailbox here", "retry timeout exceeded", "delivery attempts will continue",
    ])

    static let delayPhrases = phraseBytes(["delayed", "has not yet been delivered", "delivery attempts will continue", "will be retried"])

    /// Lines after which a mail server quotes the original message.
    static let originalMarkers = phraseBytes([
        "------ this is a copy of the message", "--- below this line is a copy of the message", "----- original message -----",
        "----- original message follows -----", "----- unsent message follows -----", "------ original message headers ------",
    ])

    /// Lines after which a mail server lists the addresses it could not deliver to.
    static let recipientMarkers = phraseBytes([
        "the following address(es) failed:", "has not yet been delivered is:", "has not yet been delivered are:",
        "the following recipient(s) cannot be reached:", "delivery has failed to these recipients or groups:",
        "could not be delivered to the following recipients:",
    ])

    /// Reads `message` as a plain bounce; nil when the signals do not agree that it is one.
    init?(_ message: MIMEEntity, lowercasedSubject: String?, from: String?) {
        let header = message.header
        let localPart = from.map { String(decoding: $0.utf8.prefix { $0 != 0x40 }, as: UTF8.self).lowercased() } ?? ""
        let bySender = Self.senderLocalParts.contains(localPart) || localPart.hasPrefix("microsoftexchange")
            || (header.first("from")?.unfolded.map(\.asciiLowercased)[...].firstRange(ofBytes: Array("mail delivery".utf8)) != nil)
        let bySubject = lowercasedSubject.map { Array($0.utf8)[...].containsAny(Self.subjectPhrases) } ?? false
        guard bySender || bySubject else { return nil }

        let text = Array(Self.text(of: message).utf8)
        let lower = text.map(\.asciiLowercased)[...]
        // What follows a quoted original is the original's, not the bounce's.
        var reportEnd = text.count
        var quotedOriginal: HeaderFields?
        if let marker = Self.originalMarkers.compactMap({ lower.firstRange(ofBytes: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            reportEnd = marker.lowerBound
            quotedOriginal = Self.quotedHeader(in: text[...], after: marker.upperBound)
        }
        let report = Array(text[..<reportEnd])
        let lowerReport = lower[..<reportEnd]
        let byText = lowerReport.containsAny(Self.textPhrases)
        guard (bySender && bySubject) || ((bySender || bySubject) && byText) else { return nil }

        var recipient = Self.status(in: report)
        recipient.finalRecipient = header.text("x-failed-recipients").flatMap { AddressList.first(in: $0) }
            ?? Self.failedAddress(in: report[...], lower: lowerReport)
        if let address = recipient.finalRecipient, let host = Self.remoteHost(in: report[...], after: address) { recipient.remoteMTA = host }
        if let status = recipient.status {
            recipient.action = status.hasPrefix("4") ? "delayed" : "failed"
        } else {
            recipient.action = lowerReport.containsAny(Self.delayPhrases) ? "delayed" : "failed"
        }
        self.recipient = recipient
        self.quotedOriginal = quotedOriginal
    }

    /// The human-readable text of the bounce: its first text/plain part, else its first HTML part
    /// with the tags removed.
    static func text(of message: MIMEEntity) -> String {
        if let plain = message.first(where: { $0.contentType.mimeType == "text/plain" }) { return plain.text }
        if let html = message.first(where: { $0.contentType.mimeType == "text/html" }) {
            return html.text.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        }
        return ""
    }

    /// The status of the failure, from the first SMTP reply in the text: an enhanced code after a
    /// reply code ("550 5.1.1", "#550 5.1.1"), else an enhanced code on its own ("(#5.1.1)"), else
    /// the class of a basic reply code at the start of a line or after "#" or ":" (5xx → "5.0.0",
    /// 4xx → "4.0.0"). The diagnostic is the text from there to the end of that line.
    static func status(in text: [UInt8]) -> BounceReport.RecipientStatus {
        var result = BounceReport.RecipientStatus()
        var i = 0
        while i + 4 < text.count {
            if let reply = basicReplyCode(in: text, at: i) {
                var j = i + 4
                while j < text.count, text[j] == .space { j += 1 }
                if let enhanced = DeliveryStatusFields.enhancedStatusCodeRange(in: text, from: j), enhanced.lowerBound == j {
                    result.status = String(decoding: text[enhanced], as: UTF8.self)
                    result.diagnosticCode = restOfLine(text, from: i)
                    return result
                }
                if result.status == nil {
                    result.status = reply == 0x35 ? "5.0.0" : "4.0.0"
                    result.diagnosticCode = restOfLine(text, from: i)
                }
            }
            i += 1
        }
        if result.status == nil, let enhanced = DeliveryStatusFields.enhancedStatusCodeRange(in: text) {
            result.status = String(decoding: text[enhanced], as: UTF8.self)
            result.diagnosticCode = restOfLine(text, from: lineStart(text, before: enhanced.lowerBound))
        }
        return result
    }

    /// The class digit of a reply code "4xx" or "5xx" at `i`, when it stands where replies stand:
    /// at the start of a line (after indentation), or after "#" or ":"; and is followed by a space or "-".
    private static func basicReplyCode(in text: [UInt8], at i: Int) -> UInt8? {
        guard text[i] == 0x34 || text[i] == 0x35, text[i + 1].isDigit, text[i + 2].isDigit,
              text[i + 3] == .space || text[i + 3] == .hyphen else { return nil }
        var k = i - 1
        while k >= 0, text[k] == .space || text[k] == .tab { k -= 1 }
        guard k < 0 || text[k] == .lf || text[k] == 0x23 || text[k] == .colon else { return nil }
        return text[i]
    }

    private static func lineStart(_ text: [UInt8], before index: Int) -> Int {
        var k = index
        while k > 0, text[k - 1] != .lf { k -= 1 }
        return k
    }

    private static func restOfLine(_ text: [UInt8], from start: Int) -> String? {
        let line = text[...].line(at: start).content
        let trimmed = text[line].trimmingWhitespace()
        return trimmed.isEmpty ? nil : String(decoding: trimmed, as: UTF8.self)
    }

    /// The failed address: the first address on the lines after "The following address(es) failed:"
    /// and its kin, else qmail's "<address>:" line, else the address in "RCPT TO:<address>".
    static func failedAddress(in text: ArraySlice<UInt8>, lower: ArraySlice<UInt8>) -> String? {
        for marker in recipientMarkers {
            guard let range = lower.firstRange(ofBytes: marker) else { continue }
            var i = range.upperBound, lines = 0
            while i < text.endIndex, lines < 4 {
                let (content, next) = text.line(at: i)
                for word in text[content].split(whereSeparator: { $0.isWhitespace }) {
                    let address = word.drop { "<>:,;\"'()[]".utf8.contains($0) }.reversed().drop { "<>:,;\"'()[]".utf8.contains($0) }.reversed()
                    if address.contains(0x40) { return String(decoding: address, as: UTF8.self) }
                }
                if !text[content].trimmingWhitespace().isEmpty { lines += 1 }
                i = next
            }
        }
        var i = text.startIndex
        while i < text.endIndex {
            let (content, next) = text.line(at: i)
            let line = text[content].trimmingWhitespace()
            if line.first == 0x3C, line.count > 3, line[line.endIndex - 2] == 0x3E, line.last == .colon, line.contains(0x40) {
                return String(decoding: line.dropFirst().dropLast(2), as: UTF8.self)
            }
            i = next
        }
        if let rcpt = lower.firstRange(ofBytes: Array("rcpt to:<".utf8)), let close = text[rcpt.upperBound...].firstIndex(of: 0x3E) {
            return String(decoding: text[rcpt.upperBound..<close], as: UTF8.self)
        }
        return nil
    }

    /// Exim's "host mx.example.org [192.0.2.1]" line under the failed address.
    private static func remoteHost(in text: ArraySlice<UInt8>, after address: String) -> String? {
        guard let at = text.firstRange(ofBytes: Array(address.utf8)) else { return nil }
        var i = text.line(at: at.lowerBound).next
        for _ in 0..<3 where i < text.endIndex {
            let (content, next) = text.line(at: i)
            let words = text[content].split(whereSeparator: { $0.isWhitespace })
            if words.count >= 2, words[0].elementsEqual("host".utf8) { return String(decoding: words[1], as: UTF8.self) }
            i = next
        }
        return nil
    }

    /// The header block quoted after a marker line: blank lines and further "------" lines skipped.
    static func quotedHeader(in bytes: ArraySlice<UInt8>, after index: Int) -> HeaderFields? {
        var i = bytes.line(at: index).next  // the rest of the marker line
        while i < bytes.endIndex {
            let (content, next) = bytes.line(at: i)
            let line = bytes[content]
            if line.allSatisfy(\.isWhitespace) || line.starts(with: "------".utf8) { i = next; continue }
            break
        }
        let header = HeaderFields.parse(bytes, from: i).header
        return header.fields.isEmpty ? nil : header
    }
}
