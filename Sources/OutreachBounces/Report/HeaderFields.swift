import Foundation

/// One header field as written: its name and its raw value, folds included, as slices of the message.
struct HeaderField {
    let name: ArraySlice<UInt8>
    /// From after the colon to the end of the last continuation line, without the final line break.
    var rawValue: ArraySlice<UInt8>

    /// The value unfolded (each line break and the white space after it become one space), trimmed.
    var unfolded: ArraySlice<UInt8> {
        guard rawValue.contains(.lf) else { return rawValue.trimmingWhitespace() }
        var out: [UInt8] = []
        out.reserveCapacity(rawValue.count)
        var i = rawValue.startIndex
        while i < rawValue.endIndex {
            let byte = rawValue[i]
            if byte == .cr || byte == .lf {
                while i < rawValue.endIndex, rawValue[i] == .cr || rawValue[i] == .lf || rawValue[i].isWhitespace { i += 1 }
                if let last = out.last, !last.isWhitespace { out.append(.space) }
                continue
            }
            out.append(byte)
            i += 1
        }
        return out[...].trimmingWhitespace()
    }

    /// The unfolded value as text: raw 8-bit bytes read as UTF-8 (RFC 6532) or else Windows-1252;
    /// encoded words are left as they are.
    var text: String { Charset.undeclared(unfolded) }
    /// The unfolded value as text with its RFC 2047 encoded words decoded.
    var decodedText: String { EncodedWords.decode(unfolded) }
}

/// A block of header fields: a message's or part's header, or one block of a delivery-status or
/// feedback-report body. Names are compared without regard to case; order is kept.
struct HeaderFields {
    var fields: [HeaderField] = []

    /// The first field called `name` (give it in lower case).
    func first(_ name: String) -> HeaderField? { fields.first { $0.name.equalsCaseInsensitive(name) } }
    /// Every field called `name` (give it in lower case), in order.
    func all(_ name: String) -> [HeaderField] { fields.filter { $0.name.equalsCaseInsensitive(name) } }
    /// The first `name` field's unfolded value, or nil when absent or empty.
    func text(_ name: String) -> String? { first(name).map(\.text).flatMap { $0.isEmpty ? nil : $0 } }
    /// The first `name` field's value with encoded words decoded, or nil when absent or empty.
    func decodedText(_ name: String) -> String? { first(name).map(\.decodedText).flatMap { $0.isEmpty ? nil : $0 } }

    /// Reads a header block starting at `start` and says where the body starts. Lenient like the mail
    /// programs that show such messages: a line that is neither a field nor a continuation ends the
    /// header (it is the first body line); a continuation before any field is dropped.
    static func parse(_ bytes: ArraySlice<UInt8>, from start: Int) -> (header: HeaderFields, bodyStart: Int) {
        var fields: [HeaderField] = []
        var i = start
        while i < bytes.endIndex {
            let (content, next) = bytes.line(at: i)
            if content.isEmpty { return (HeaderFields(fields: fields), next) }
            if bytes[i].isWhitespace {
                if !fields.isEmpty {
                    let last = fields.count - 1
                    fields[last].rawValue = bytes[fields[last].rawValue.startIndex..<content.upperBound]
                }
                i = next
                continue
            }
            guard let colon = fieldNameEnd(bytes, content) else { return (HeaderFields(fields: fields), i) }
            var nameEnd = colon
            while nameEnd > content.lowerBound, bytes[nameEnd - 1].isWhitespace { nameEnd -= 1 }
            fields.append(HeaderField(name: bytes[content.lowerBound..<nameEnd], rawValue: bytes[(colon + 1)..<content.upperBound]))
            i = next
        }
        return (HeaderFields(fields: fields), bytes.endIndex)
    }

    /// Reads consecutive header blocks separated by blank lines, as the bodies of
    /// message/delivery-status (RFC 3464 §2.1) and message/feedback-report (RFC 5965 §3.1) are written.
    static func parseBlocks(_ bytes: ArraySlice<UInt8>) -> [HeaderFields] {
        var blocks: [HeaderFields] = []
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let (content, next) = bytes.line(at: i)
            if bytes[content].allSatisfy(\.isWhitespace) { i = next; continue }
            let (block, end) = parse(bytes, from: i)
            if !block.fields.isEmpty { blocks.append(block) }
            i = end > i ? end : next  // a line that is not a field: skip it
        }
        return blocks
    }

    /// The colon ending a field name on this line, if the line starts with a valid name (printable
    /// ASCII but no colon, RFC 5322 §3.6.8; white space only before the colon).
    private static func fieldNameEnd(_ bytes: ArraySlice<UInt8>, _ content: Range<Int>) -> Int? {
        var i = content.lowerBound
        var sawSpace = false
        while i < content.upperBound {
            let byte = bytes[i]
            if byte == .colon { return i > content.lowerBound ? i : nil }
            if byte.isWhitespace { sawSpace = true } else if sawSpace || byte < 33 || byte > 126 { return nil }
            i += 1
        }
        return nil
    }
}

/// A parsed Content-Type: lower-cased type and subtype, and parameters (names lower-cased, values
/// unquoted). RFC 2231 continuations are not joined: bounces do not use them for what we read.
struct ContentType: Equatable {
    var type: String
    var subtype: String
    /// "type/subtype", lower case; kept because every search through a message compares it.
    var mimeType: String
    var parameters: [String: String] = [:]

    static let textPlain = ContentType(type: "text", subtype: "plain")
    static let messageRFC822 = ContentType(type: "message", subtype: "rfc822")

    var isMultipart: Bool { type == "multipart" }

    /// Parses a Content-Type value; nil when it has no "type/subtype" (RFC 2045 §5.2: then the
    /// default applies).
    init?(_ value: ArraySlice<UInt8>) {
        var i = value.startIndex
        func skipSpaceAndComments() {
            while i < value.endIndex {
                if value[i].isWhitespace || value[i] == .cr || value[i] == .lf { i += 1; continue }
                if value[i] == 0x28 {  // "(" comment
                    var depth = 0
                    while i < value.endIndex {
                        if value[i] == 0x28 { depth += 1 } else if value[i] == 0x29 { depth -= 1; if depth == 0 { i += 1; break } }
                        i += 1
                    }
                    continue
                }
                break
            }
        }
        func token() -> String {
            let start = i
            while i < value.endIndex, !Self.isSpecialOrSpace(value[i]) { i += 1 }
            return String(decoding: value[start..<i].map(\.asciiLowercased), as: UTF8.self)
        }
        skipSpaceAndComments()
        let type = token()
        skipSpaceAndComments()
        guard !type.isEmpty, i < value.endIndex, value[i] == 0x2F else { return nil }
        i += 1
        skipSpaceAndComments()
        let subtype = token()
        guard !subtype.isEmpty else { return nil }
        self.type = type
        self.subtype = subtype
        self.mimeType = type + "/" + subtype
        while i < value.endIndex {
            // Skip to the next ";" — anything else before it is junk we tolerate.
            while i < value.endIndex, value[i] != .semicolon { i += 1 }
            guard i < value.endIndex else { break }
            i += 1
            skipSpaceAndComments()
            let nameStart = i
            while i < value.endIndex, value[i] != 0x3D, value[i] != .semicolon, !value[i].isWhitespace { i += 1 }
            let name = String(decoding: value[nameStart..<i].map(\.asciiLowercased), as: UTF8.self)
            skipSpaceAndComments()
            guard i < value.endIndex, value[i] == 0x3D, !name.isEmpty else { continue }
            i += 1
            skipSpaceAndComments()
            var parameter: [UInt8] = []
            if i < value.endIndex, value[i] == 0x22 {
                i += 1
                while i < value.endIndex, value[i] != 0x22 {
                    if value[i] == 0x5C, i + 1 < value.endIndex { i += 1 }
                    if value[i] != .cr && value[i] != .lf { parameter.append(value[i]) }
                    i += 1
                }
                i += 1
            } else {
                // Unquoted: up to ";" or white space; lenient about "=" and other specials that
                // real boundaries contain ("----=_Part_1").
                while i < value.endIndex, value[i] != .semicolon, !value[i].isWhitespace, value[i] != .cr, value[i] != .lf {
                    parameter.append(value[i])
                    i += 1
                }
            }
            if parameters[name] == nil { parameters[name] = Charset.undeclared(parameter) }
        }
    }

    init(type: String, subtype: String, parameters: [String: String] = [:]) {
        self.type = type
        self.subtype = subtype
        self.mimeType = type + "/" + subtype
        self.parameters = parameters
    }

    private static func isSpecialOrSpace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x00...0x20, 0x7F, 0x28, 0x29, 0x3C, 0x3E, 0x40, 0x2C, 0x3B, 0x3A, 0x5C, 0x22, 0x2F, 0x5B, 0x5D, 0x3F, 0x3D: true
        default: false
        }
    }
}
