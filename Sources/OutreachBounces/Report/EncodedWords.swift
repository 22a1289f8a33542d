import Foundation

/// Turns the bytes of a header or text part into text, whatever charset the sender used.
enum Charset {
    /// Decodes `bytes` written in `charset` (a MIME charset name, any case). UTF-8 and US-ASCII,
    /// ISO-8859-1, Windows-1252 and Windows-1258 are decoded here; other names go to Foundation;
    /// bytes that do not fit their label are read as UTF-8 if valid, else as Windows-1252.
    static func decode<C: Collection<UInt8>>(_ bytes: C, charset: String?) -> String {
        let name = charset?.lowercased() ?? "utf-8"
        switch name {
        case "utf-8", "utf8", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "":
            return undeclared(bytes)
        case "iso-8859-1", "latin1", "iso_8859-1", "l1", "iso8859-1":
            return singleByte(bytes, high: latin1)
        case "windows-1252", "cp1252":
            return singleByte(bytes, high: windows1252)
        case "windows-1258", "cp1258":
            // Windows-1258 writes tone marks as combining characters: compose them.
            return singleByte(bytes, high: windows1258).precomposedStringWithCanonicalMapping
        default:
            if let encoding = foundationEncodings[name], let text = String(bytes: Array(bytes), encoding: encoding) {
                return text
            }
            return undeclared(bytes)
        }
    }

    /// Bytes with no trustworthy label: UTF-8 when they are valid UTF-8, else Windows-1252.
    static func undeclared<C: Collection<UInt8>>(_ bytes: C) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return singleByte(bytes, high: windows1252)
    }

    /// Decodes a single-byte charset by writing UTF-8 directly: much faster than building a
    /// String scalar by scalar.
    private static func singleByte<C: Collection<UInt8>>(_ bytes: C, high table: [UInt16]) -> String {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count + bytes.count / 4)
        for byte in bytes {
            if byte < 0x80 { utf8.append(byte); continue }
            let value = table[Int(byte) - 0x80]
            if value < 0x800 {
                utf8.append(0xC0 | UInt8(value >> 6))
                utf8.append(0x80 | UInt8(value & 0x3F))
            } else {
                utf8.append(0xE0 | UInt8(value >> 12))
                utf8.append(0x80 | UInt8((value >> 6) & 0x3F))
                utf8.append(0x80 | UInt8(value & 0x3F))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static let foundationEncodings: [String: String.Encoding] = [
        "windows-1250": .windowsCP1250, "windows-1251": .windowsCP1251, "windows-1253": .windowsCP1253,
        "windows-1254": .windowsCP1254, "iso-8859-2": .isoLatin2, "shift_jis": .shiftJIS,
        "euc-jp": .japaneseEUC, "iso-2022-jp": .iso2022JP, "utf-16": .utf16, "utf-16le": .utf16LittleEndian,
        "utf-16be": .utf16BigEndian,
    ]

    private static let latin1: [UInt16] = (0x80...0xFF).map { UInt16($0) }

    // 0x80–0xFF; where the code page leaves a byte undefined it keeps its Latin-1 value.
    private static let windows1252: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ] + (0xA0...0xFF).map { UInt16($0) }

    private static let windows1258: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x008A, 0x2039, 0x0152, 0x008D, 0x008E, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x009A, 0x203A, 0x0153, 0x009D, 0x009E, 0x0178,
        0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7, 0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
        0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, 0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
        0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7, 0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF,
        0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7, 0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF,
        0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7, 0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF,
        0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7, 0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF,
    ]
}

/// RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?ISO-8859-1?Q?…?=`) in unstructured header text.
enum EncodedWords {
    /// The text of an unfolded header value with its encoded words decoded. White space between two
    /// adjacent encoded words is dropped (RFC 2047 §6.2), and adjacent words in the same charset are
    /// decoded together, because some senders split one UTF-8 character across two words.
    static func decode(_ value: ArraySlice<UInt8>) -> String {
        guard value.contains(0x3D) else { return Charset.undeclared(value) }  // no "="
        var result = ""
        var pendingCharset: String?
        var pendingBytes: [UInt8] = []
        var literalStart = value.startIndex
        var i = value.startIndex

        func flushPending() {
            if let charset = pendingCharset { result += Charset.decode(pendingBytes, charset: charset) }
            pendingCharset = nil
            pendingBytes.removeAll(keepingCapacity: true)
        }

        while i < value.endIndex {
            guard value[i] == 0x3D, i + 1 < value.endIndex, value[i + 1] == 0x3F,
                  let word = encodedWord(in: value, at: i) else { i += 1; continue }
            let between = value[literalStart..<i]
            let onlySpace = between.allSatisfy { $0.isWhitespace }
            if !(onlySpace && pendingCharset != nil) {
                flushPending()
                result += Charset.undeclared(between)
            }
            if pendingCharset != word.charset { flushPending(); pendingCharset = word.charset }
            pendingBytes += word.bytes
            i = word.end
            literalStart = i
        }
        flushPending()
        result += Charset.undeclared(value[literalStart...])
        return result
    }

    /// The encoded word starting at `start` ("=?"), if it is well formed.
    private static func encodedWord(in value: ArraySlice<UInt8>, at start: Int) -> (charset: String, bytes: [UInt8], end: Int)? {
        var i = start + 2
        let charsetStart = i
        while i < value.endIndex, value[i] != 0x3F, !value[i].isWhitespace { i += 1 }
        guard i < value.endIndex, value[i] == 0x3F, i > charsetStart, i + 2 < value.endIndex, value[i + 2] == 0x3F else { return nil }
        var charset = String(decoding: value[charsetStart..<i], as: UTF8.self).lowercased()
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }  // RFC 2231 language
        let encoding = value[i + 1].asciiLowercased
        let textStart = i + 3
        var j = textStart
        while j + 1 < value.endIndex, !(value[j] == 0x3F && value[j + 1] == 0x3D) {
            if value[j].isWhitespace { return nil }
            j += 1
        }
        guard j + 1 < value.endIndex else { return nil }
        let text = value[textStart..<j]
        switch encoding {
        case 0x62: return (charset, TransferEncoding.base64(text), j + 2)
        case 0x71: return (charset, TransferEncoding.quotedPrintable(text, underscoreIsSpace: true), j + 2)
        default: return nil
        }
    }
}
