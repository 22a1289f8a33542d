import Foundation

/// The typed values inside message/delivery-status (RFC 3464), message/global-delivery-status
/// (RFC 6533) and message/feedback-report (RFC 5965) fields.
enum DeliveryStatusFields {
    /// "rfc822; a@b" → "a@b", with the address decoded: `+XX` xtext (RFC 3461 §4) for the rfc822
    /// type, and also `\x{HHHH}` (RFC 6533 §3) for the utf-8 type. Angle brackets are removed.
    static func address(_ field: HeaderField) -> String? {
        let (type, value) = typed(field.text)
        guard !value.isEmpty else { return nil }
        var address = value.insideAngleBrackets
        if type != "utf-8", address.utf8.contains(0x2B) { address = decodeXText(address) }  // "+"
        if address.utf8.contains(0x5C) { address = decodeUnitext(address) }  // "\\x{…}"
        return address.isEmpty ? nil : address
    }

    /// Diagnostic-Code, Remote-MTA and other typed fields without their type:
    /// "smtp; 550 5.1.1 …" → "550 5.1.1 …".
    static func untyped(_ field: HeaderField) -> String? {
        let value = typed(field.text).value
        return value.isEmpty ? nil : value
    }

    /// The enhanced status code (RFC 3463) in a Status value, without comments: "5.1.1 (bad mailbox)" → "5.1.1".
    static func status(_ field: HeaderField) -> String? {
        enhancedStatusCode(in: Array(field.unfolded))
    }

    /// The first word of an Action value, lower-cased: "Failed (permanent)" → "failed".
    static func action(_ field: HeaderField) -> String? {
        let word = field.unfolded.prefix { !$0.isWhitespace && $0 != 0x28 && $0 != .semicolon }.map(\.asciiLowercased)
        return word.isEmpty ? nil : String(decoding: word, as: UTF8.self)
    }

    /// Splits "type; value" when what precedes the first ";" is one word (an address, MTA or
    /// diagnostic type). Otherwise there is no type and the whole text is the value.
    static func typed(_ text: String) -> (type: String?, value: String) {
        let bytes = Array(text.utf8)[...]
        guard let semicolon = bytes.firstIndex(of: .semicolon) else { return (nil, text.trimmedASCIIWhitespace) }
        let type = bytes[..<semicolon].trimmingWhitespace()
        guard !type.isEmpty, type.count <= 32, !type.allSatisfy(\.isDigit),
              type.allSatisfy({ $0.isDigit || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == .hyphen || $0 == 0x5F || $0 == 0x2E })
        else { return (nil, text.trimmedASCIIWhitespace) }
        return (String(decoding: type.map(\.asciiLowercased), as: UTF8.self),
                String(decoding: bytes[(semicolon + 1)...].trimmingWhitespace(), as: UTF8.self))
    }

    /// The first enhanced status code `[245].\d{1,3}.\d{1,3}` in `bytes` that stands alone (not part
    /// of a longer dotted number such as an IP address).
    static func enhancedStatusCode(in bytes: [UInt8], from start: Int = 0) -> String? {
        enhancedStatusCodeRange(in: bytes, from: start).map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    static func enhancedStatusCodeRange(in bytes: [UInt8], from start: Int = 0) -> Range<Int>? {
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x32 || byte == 0x34 || byte == 0x35, i + 1 < bytes.count, bytes[i + 1] == 0x2E,
               i == 0 || !(bytes[i - 1].isDigit || bytes[i - 1] == 0x2E) {
                var j = i + 2
                let subject = digits(bytes, &j)
                if (1...3).contains(subject), j < bytes.count, bytes[j] == 0x2E {
                    j += 1
                    let detail = digits(bytes, &j)
                    if (1...3).contains(detail), j >= bytes.count || !(bytes[j].isDigit || (bytes[j] == 0x2E && j + 1 < bytes.count && bytes[j + 1].isDigit)) {
                        return i..<j
                    }
                }
            }
            i += 1
        }
        return nil
    }

    private static func digits(_ bytes: [UInt8], _ j: inout Int) -> Int {
        var count = 0
        while j < bytes.count, bytes[j].isDigit { j += 1; count += 1 }
        return count
    }

    /// RFC 3461 xtext: "+" and two upper-case hex digits stand for one byte.
    static func decodeXText(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x2B, i + 2 < bytes.count, isUpperHex(bytes[i + 1]), isUpperHex(bytes[i + 2]),
               let high = bytes[i + 1].hexValue, let low = bytes[i + 2].hexValue {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return Charset.undeclared(out)
    }

    /// RFC 6533 unitext: `\x{HHHH}` stands for one Unicode scalar.
    static func decodeUnitext(_ text: String) -> String {
        guard text.utf8.contains(0x5C) else { return text }
        var out = ""
        var rest = text[...]
        while let open = rest.range(of: "\\x{") {
            out += rest[..<open.lowerBound]
            let after = rest[open.upperBound...]
            if let close = after.firstIndex(of: "}"), let value = UInt32(after[..<close], radix: 16), let scalar = Unicode.Scalar(value) {
                out.unicodeScalars.append(scalar)
                rest = after[after.index(after: close)...]
            } else {
                out += rest[open]
                rest = after
            }
        }
        return out + rest
    }

    private static func isUpperHex(_ byte: UInt8) -> Bool { byte.isDigit || (byte >= 0x41 && byte <= 0x46) }
}
