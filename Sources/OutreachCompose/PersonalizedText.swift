import Foundation
import Mustache

/// A text rendered once with a marker in place of each personal field, cut at the markers: the
/// same invitation (or page) for thousands of people is rendered once, and per person only the
/// fields are filled in. Markers are private-use characters, which escaping leaves alone.
public struct PersonalizedText: Sendable {
    /// The literal text between markers.
    var literals: [String]
    /// Which field each marker stands for (an index into the values `fill` is given).
    var fields: [Int]

    private static let open: Unicode.Scalar = "\u{E000}", close: Unicode.Scalar = "\u{E001}"

    /// The marker standing for field number `field`: render the template with it as the value.
    public static func marker(_ field: Int) -> String {
        String(String.UnicodeScalarView([open, Unicode.Scalar(0xE100 + UInt32(field))!, close]))
    }

    /// Cuts a text rendered with markers into pieces.
    public init(cutting rendered: String) {
        var literals: [String] = []
        var fields: [Int] = []
        var current = String.UnicodeScalarView()
        var scalars = rendered.unicodeScalars.makeIterator()
        while let s = scalars.next() {
            if s == Self.open, let f = scalars.next(), scalars.next() == Self.close {
                literals.append(String(current)); current = .init()
                fields.append(Int(f.value) - 0xE100)
            } else {
                current.append(s)
            }
        }
        literals.append(String(current))
        self.literals = literals
        self.fields = fields
    }

    /// The text with `values[field]` in place of each marker (HTML-escaped when `html`).
    public func fill(_ values: [String], html: Bool) -> String {
        var out = literals[0]
        for (i, field) in fields.enumerated() {
            out += html ? HTMLEscaping.escape(values[field]) : values[field]
            out += literals[i + 1]
        }
        return out
    }
}

/// HTML escaping of `{{value}}`, on bytes: a quote or a `<` stays one whatever combining mark
/// follows it (swift-mustache's own escaper compares Characters, and `"` + U+0301 is not `"` to it).
/// Templates select it with `{{%CONTENT_TYPE: HTML_SCALARS}}` (see `mustacheSource`).
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for b in text.utf8 {
            switch b {
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x26: out += Array("&amp;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x27: out += Array("&#39;".utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `text` (an HTML Mustache template) set to escape values with `escape`.
    public static func mustacheSource(_ text: String) -> String {
        _ = registered
        return "{{%CONTENT_TYPE: \(contentTypeName)}}" + text
    }

    static let contentTypeName = "HTML_SCALARS"
    private static let registered: Void = MustacheContentTypes.register(ContentType(), named: contentTypeName)
    private struct ContentType: MustacheContentType {
        func escapeText(_ text: String) -> String { HTMLEscaping.escape(text) }
    }
}

/// A personalized text as a quoted-printable body, encoded once: each literal piece is encoded on
/// its own and ends with a soft line break, so it starts and ends at the start of a line
/// whatever the personal fields around it are; per message only the fields are encoded.
/// Decoded, it is exactly the filled text (soft line breaks are not part of the text).
struct EncodedPart: Sendable {
    /// Which personal field goes between literal `i` and `i + 1`.
    let fields: [Int]
    /// The encoded literals; the last one ends the body (with CRLF), unless it is empty and
    /// the last field ends it instead.
    let literals: [[UInt8]]
    let endsWithField: Bool
    let literalBytes: Int
    let literalNonASCII: Int
    let encodedLiteralBytes: Int

    init(_ pieces: PersonalizedText) {
        fields = pieces.fields
        endsWithField = !pieces.fields.isEmpty && pieces.literals.last?.isEmpty == true
        let last = pieces.literals.count - 1
        literals = pieces.literals.enumerated().map { i, literal in
            var out: [UInt8] = []
            if i < last || !literal.isEmpty || pieces.fields.isEmpty {
                QuotedPrintable.encode(literal, into: &out, final: i == last)
            }
            return out
        }
        encodedLiteralBytes = literals.reduce(0) { $0 + $1.count }
        literalBytes = pieces.literals.reduce(0) { $0 + $1.utf8.count }
        literalNonASCII = pieces.literals.reduce(0) { n, literal in n + literal.utf8.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) } }
    }

    /// The body for `values` (escaped for HTML when `html`), or nil when base64 would be the
    /// smaller encoding of the filled text (the same choice as for any text part).
    func quotedPrintable(_ values: [String], html: Bool) -> [UInt8]? {
        let fields = fields.map { html ? HTMLEscaping.escape(values[$0]) : values[$0] }
        var bytes = literalBytes, nonASCII = literalNonASCII
        for field in fields {
            bytes += field.utf8.count
            nonASCII += field.utf8.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        }
        guard TextTransferEncoding.choose(nonASCII: nonASCII, of: bytes) == .quotedPrintable else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(encodedLiteralBytes + (bytes - literalBytes) * 3 / 2 + 64)
        out.append(contentsOf: literals[0])
        for (i, field) in fields.enumerated() {
            QuotedPrintable.encode(field, into: &out, final: endsWithField && i == fields.count - 1)
            out.append(contentsOf: literals[i + 1])
        }
        return out
    }
}
