import Foundation
import OutreachModel
import Synchronization

/// One email as bytes exactly as sent: RFC 5322 headers, `multipart/alternative` (text/plain
/// then text/html, each quoted-printable or base64, whichever is smaller), wrapped in
/// `multipart/mixed` with an `invitation.ics` `text/calendar; method=PUBLISH` (or CANCEL) part when there is
/// an event. CRLF line ends only.
public struct MIMEMessage: Sendable {
    public var fromName: String
    public var fromAddress: String
    public var toName: String?
    public var toAddress: String
    public var replyTo: String?
    public var subject: String
    public var date: Date
    public var messageID: String
    public var listID: String?
    public var unsubscribeURL: String?
    public var unsubscribeMailto: String?
    public var text: String
    public var html: String
    public var calendar: String?
    /// The calendar's iTIP method (`PUBLISH`, `CANCEL`): the Content-Type says what the calendar says.
    public var calendarMethod = ICalendar.Method.publish
    /// The language the texts are written in (`Content-Language`, RFC 3282).
    public var contentLanguage: String?
    /// The From and Subject header lines (with their CRLF) when already encoded: a composer
    /// sending thousands of messages from one sender under one subject encodes them once.
    public var fromHeader: String? = nil
    public var subjectHeader: String? = nil
    /// The plain-text and HTML parts already quoted-printable (then `text` and `html` are not read).
    public var textQuotedPrintable: [UInt8]? = nil
    public var htmlQuotedPrintable: [UInt8]? = nil
    /// Pictures the HTML shows by `cid:` (a ticket's QR codes): the text and HTML then go
    /// inside `multipart/related` (RFC 2387) with them.
    public var inlineImages: [InlineImage] = []

    /// The message's bytes.
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 2 + html.utf8.count * 2 + 2048)
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        put(fromHeader ?? HeaderEncoding.address("From", displayName: fromName, address: fromAddress))
        put(HeaderEncoding.address("To", displayName: toName, address: toAddress))
        if let replyTo { put("Reply-To: \(replyTo)\r\n") }
        put(subjectHeader ?? HeaderEncoding.unstructured("Subject", subject))
        put("Date: \(MIMEMessage.rfc5322Date(date))\r\n")
        put("Message-ID: \(messageID)\r\n")
        put("MIME-Version: 1.0\r\n")
        if let contentLanguage, MIMEMessage.isLanguageTag(contentLanguage) {
            put("Content-Language: \(contentLanguage)\r\n")
        }
        if let listID { put("List-Id: <\(listID)>\r\n") }
        if let unsubscribeURL {
            let mailto = unsubscribeMailto.map { ",\r\n <\($0)>" } ?? ""
            put("List-Unsubscribe: <\(unsubscribeURL)>\(mailto)\r\n")
            put("List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")
        }
        let alternative = MIMEMessage.boundary()
        if let calendar {
            let mixed = MIMEMessage.boundary()
            put("Content-Type: multipart/mixed;\r\n boundary=\"\(mixed)\"\r\n\r\n")
            put("This is a multi-part message in MIME format.\r\n")
            put("--\(mixed)\r\n")
            putRelated(&out, alternative)
            put("\r\n--\(mixed)\r\n")
            put("Content-Type: text/calendar; method=\(calendarMethod.rawValue); charset=UTF-8; name=\"invitation.ics\"\r\n")
            put("Content-Transfer-Encoding: base64\r\n")
            put("Content-Disposition: attachment; filename=\"invitation.ics\"\r\n\r\n")
            Base64Body.encode(calendar, into: &out)
            put("--\(mixed)--\r\n")
        } else {
            putRelated(&out, alternative)
        }
        return out
    }

    /// The alternative parts, inside `multipart/related` with the inline images when there are any.
    private func putRelated(_ out: inout [UInt8], _ alternative: String) {
        guard !inlineImages.isEmpty else { return putAlternative(&out, alternative) }
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        let related = MIMEMessage.boundary()
        put("Content-Type: multipart/related; type=\"multipart/alternative\";\r\n boundary=\"\(related)\"\r\n\r\n")
        put("--\(related)\r\n")
        putAlternative(&out, alternative)
        for image in inlineImages {
            put("\r\n--\(related)\r\n")
            put("Content-Type: image/png; name=\"\(image.filename)\"\r\nContent-Transfer-Encoding: base64\r\n")
            put("Content-ID: <\(image.contentID)>\r\nContent-Disposition: inline; filename=\"\(image.filename)\"\r\n\r\n")
            image.png.withUnsafeBufferPointer { Base64Body.encode($0, into: &out) }
        }
        put("--\(related)--\r\n")
    }

    private func putAlternative(_ out: inout [UInt8], _ boundary: String) {
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        put("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n")
        for (type, body, encoded) in [("plain", text, textQuotedPrintable), ("html", html, htmlQuotedPrintable)] {
            put("--\(boundary)\r\n")
            if let encoded {
                put("Content-Type: text/\(type); charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
                out.append(contentsOf: encoded)
            } else {
                let encoding = TextTransferEncoding.choose(for: body)
                put("Content-Type: text/\(type); charset=UTF-8\r\nContent-Transfer-Encoding: \(encoding.rawValue)\r\n\r\n")
                encoding.encode(body, into: &out)
            }
        }
        put("--\(boundary)--\r\n")
    }

    /// Letters, digits and hyphens only: a language tag can carry nothing else into a header.
    static func isLanguageTag(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { b in
            b == 0x2D || (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
        }
    }

    /// A random boundary; `=_` never occurs in quoted-printable or base64 text.
    static func boundary() -> String {
        let (a, b) = FastRandom.pair()
        return "=_outreach_" + a + b
    }

    /// A new unique Message-ID that names its campaign and contact to us alone: `token` (signed,
    /// revealing neither) then 64 random bits. A report or complaint that returns only the
    /// original's Message-ID is still tied to the message it is about, without a lookup.
    public static func newMessageID(token: String, domain: String) -> String {
        let (a, _) = FastRandom.pair()
        return "<\(token).\(a)@\(domain)>"
    }

    /// `Sun, 29 Nov 2026 03:04:20 +0000`, whatever the machine's locale.
    public static func rfc5322Date(_ date: Date) -> String {
        let t = UTCTime(date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[Int(t.fields.tm_wday)]), \(t.day) \(months[Int(t.fields.tm_mon)]) \(t.year) \(t.hour):\(t.minute):\(t.second) +0000"
    }
}

/// A picture shown inside the HTML part (`<img src="cid:CONTENT-ID">`).
public struct InlineImage: Sendable, Equatable {
    /// The id the HTML names after `cid:` (without angle brackets); letters, digits, `.`, `-`, `@`.
    public let contentID: String
    public let filename: String
    public let png: [UInt8]
    public init(contentID: String, filename: String, png: [UInt8]) {
        self.contentID = contentID; self.filename = filename; self.png = png
    }
}

/// xoshiro256** seeded from the system generator once: boundaries and Message-IDs need
/// uniqueness, not secrecy, and a system call per number costs more than composing the text.
struct FastRandom: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init() {
        var system = SystemRandomNumberGenerator()
        s = (system.next(), system.next(), system.next(), system.next() | 1)
    }

    mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// One generator for the process, seeded once.
    static let shared = Mutex(FastRandom())

    /// Two random 64-bit numbers in base 36 (128 bits in all).
    static func pair() -> (String, String) {
        let (a, b) = shared.withLock { ($0.next(), $0.next()) }
        return (String(a, radix: 36), String(b, radix: 36))
    }
}
