/// One server reply line as libcurl's header callback sees it: `550 5.1.1 <x>: Recipient unknown`.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public let code: Int
    /// The RFC 3463 enhanced status code, when the server gives one (`5.1.1`).
    public let enhanced: String?
    public let text: String
    public var description: String { text }
    /// The most bytes of a reply line kept.
    public static let longestText = 512

    /// Parses one reply line (trailing CR LF and spaces dropped); nil when it is not a reply (a
    /// code from 200 to 599).
    public init?(line: String) { self.init(utf8: Array(line.utf8)) }

    /// The same on the line's bytes, as libcurl hands over every line of every reply.
    public init?(utf8 line: UnsafeRawBufferPointer) { self.init(utf8: Array(line)) }

    private init?(utf8 bytes: [UInt8]) {
        var bytes = bytes
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while let last = bytes.last, last == 0x0D || last == 0x0A || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard bytes.count - start >= 3 else { return nil }
        let digit = { (b: UInt8) -> Int? in b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil }
        guard let d0 = digit(bytes[start]), let d1 = digit(bytes[start + 1]), let d2 = digit(bytes[start + 2]) else { return nil }
        let code = d0 * 100 + d1 * 10 + d2
        guard (200...599).contains(code), bytes.count == start + 3 || bytes[start + 3] == 0x20 || bytes[start + 3] == 0x2D
        else { return nil }
        self.code = code
        // Cut short: a relay's words go into logs and the outbox, whatever their length.
        self.text = String(decoding: bytes[start..<min(bytes.count, start + SMTPReply.longestText)], as: UTF8.self)
        // The enhanced code: the first word after the code, `class.subject.detail`, all digits.
        var end = min(start + 4, bytes.count)
        while end < bytes.count, bytes[end] != 0x20 { end += 1 }
        let word = bytes[min(start + 4, bytes.count)..<end]
        let parts = word.split(separator: 0x2E, omittingEmptySubsequences: false)
        if parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
           [0x32, 0x34, 0x35].contains(parts[0].first!), parts[0].count == 1 {
            enhanced = String(decoding: word, as: UTF8.self)
        } else {
            enhanced = nil
        }
    }
}
