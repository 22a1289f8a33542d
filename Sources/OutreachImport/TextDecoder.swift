import Foundation
import OutreachModel

/// The text encodings a contact file may come in.
public enum TextEncoding: String, Sendable, CaseIterable {
    case auto
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case windows1258 = "windows-1258"
}

/// Turns the bytes of a contact file into NFC text: by BOM, then strict UTF-8, then Windows-1258.
public enum TextDecoder {
    /// A file that cannot be read as text in the encoding asked for (or any, for `auto`).
    public struct Failure: StaffFacingError {
        public let message: StaffMessage
    }

    /// The decoded text (NFC, without BOM) and the encoding it was read in.
    public static func decode(_ bytes: [UInt8], as encoding: TextEncoding = .auto) throws(Failure) -> (text: String, encoding: String) {
        switch encoding {
        case .utf8:
            guard let text = utf8(bytes) else { throw Failure(message: StaffMessage("import.not_utf8", ["where": firstInvalidUTF8(bytes)])) }
            return (nfc(text), "utf-8")
        case .utf16:
            guard let (text, name) = utf16(bytes, requireBOM: false) else { throw Failure(message: StaffMessage("import.not_utf16")) }
            return (nfc(text), name)
        case .windows1258:
            guard let text = windows1258(bytes) else { throw Failure(message: StaffMessage("import.not_windows1258")) }
            return (nfc(text), "windows-1258")
        case .auto:
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                guard let text = utf8(bytes) else { throw Failure(message: StaffMessage("import.bom_not_utf8", ["where": firstInvalidUTF8(bytes)])) }
                return (nfc(text), "utf-8")
            }
            if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) || looksLikeUTF16(bytes) {
                guard let (text, name) = utf16(bytes, requireBOM: false) else { throw Failure(message: StaffMessage("import.looks_utf16")) }
                return (nfc(text), name)
            }
            if let text = utf8(bytes) { return (nfc(text), "utf-8") }
            if let text = windows1258(bytes) { return (nfc(text), "windows-1258") }
            throw Failure(message: StaffMessage("import.unknown_encoding", ["where": firstInvalidUTF8(bytes)]))
        }
    }

    static func nfc(_ text: String) -> String {
        isSurelyNFC(text) ? text : text.precomposedStringWithCanonicalMapping
    }

    /// A quick check that spares the full normalization of a large file: true when every
    /// character is one that is NFC whatever surrounds it (ASCII, Latin-1 and Latin Extended,
    /// precomposed Vietnamese, CJK, kana, Hangul syllables). Combining marks, conjoining jamo,
    /// compatibility singletons and anything else go through Foundation.
    /// It reads the UTF-8 bytes: a byte below 0xCC (ASCII, a continuation byte, the lead byte of a
    /// scalar below U+0300) needs no look; only the lead bytes of higher scalars are decoded.
    static func isSurelyNFC(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            let n = bytes.count
            while i < n {
                let b = bytes[i]
                if b < 0xCC { i += 1; continue }
                var v: UInt32
                var length: Int
                if b < 0xE0 { v = UInt32(b & 0x1F); length = 2 }
                else if b < 0xF0 { v = UInt32(b & 0x0F); length = 3 }
                else { v = UInt32(b & 0x07); length = 4 }
                guard i + length <= n else { return false }
                for k in 1..<length { v = v << 6 | UInt32(bytes[i + k] & 0x3F) }
                switch v {
                case 0x1E00...0x1EFF, 0x2002...0x206F, 0x20A0...0x20BF, 0x3000...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                     0xAC00...0xD7A3, 0xFF01...0xFFEF:
                    i += length
                default:
                    return false
                }
            }
            return true
        }
    }

    static func utf8(_ bytes: [UInt8]) -> String? {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        return String(validating: body, as: UTF8.self)
    }

    /// Strict UTF-8 of one piece of a file; a byte order mark only where `bomAllowed` (its start).
    static func utf8(_ bytes: [UInt8], bomAllowed: Bool) -> String? {
        let body = bomAllowed && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        return String(validating: body, as: UTF8.self)
    }

    /// Whether every byte is one Windows-1258 defines.
    static func isWindows1258(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 < 0x80 || windows1258High[Int($0) - 0x80] != 0xFFFF }
    }

    /// UTF-16 of one piece of a file in the byte order given (a byte order mark is read as
    /// U+FEFF: skip it first).
    static func utf16(_ bytes: [UInt8], bigEndian: Bool) -> String? {
        guard bytes.count % 2 == 0 else { return nil }
        var units = [UInt16]()
        units.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            units.append(bigEndian ? UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) : UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i]))
            i += 2
        }
        return String(validating: units, as: UTF16.self)
    }

    /// Where the first byte that is not UTF-8 is; `lineOffset`: the lines of the file before these bytes.
    static func firstInvalidUTF8(_ bytes: [UInt8], lineOffset: Int = 0) -> StaffMessage {
        var line = 1 + lineOffset
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if length == 0 || i + length > bytes.count
                || String(validating: bytes[i..<i + length], as: UTF8.self) == nil {
                return StaffMessage("import.bad_byte", ["byte": String(b, radix: 16, uppercase: true), "line": line])
            }
            i += length
        }
        return StaffMessage("import.truncated")
    }

    /// No BOM, but every other byte is NUL in the first line: Excel's "Unicode Text" without BOM.
    static func looksLikeUTF16(_ bytes: [UInt8]) -> Bool {
        let sample = bytes.prefix(64)
        guard sample.count >= 4 else { return false }
        let zeros = sample.filter { $0 == 0 }.count
        return zeros * 3 >= sample.count
    }

    static func utf16(_ bytes: [UInt8], requireBOM: Bool) -> (String, String)? {
        guard bytes.count % 2 == 0 else { return nil }
        var bigEndian: Bool
        var start = 0
        if bytes.starts(with: [0xFF, 0xFE]) { bigEndian = false; start = 2 }
        else if bytes.starts(with: [0xFE, 0xFF]) { bigEndian = true; start = 2 }
        else if requireBOM { return nil }
        else { bigEndian = bytes.count >= 2 && bytes[0] == 0 && bytes[1] != 0 }
        var units = [UInt16]()
        units.reserveCapacity((bytes.count - start) / 2)
        var i = start
        while i + 1 < bytes.count {
            units.append(bigEndian ? UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]) : UInt16(bytes[i + 1]) << 8 | UInt16(bytes[i]))
            i += 2
        }
        guard let text = String(validating: units, as: UTF16.self) else { return nil }
        return (text, bigEndian ? "utf-16be" : "utf-16le")
    }

    /// Windows-1258; nil when the bytes use a code point the encoding leaves undefined.
    static func windows1258(_ bytes: [UInt8]) -> String? {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes {
            if b < 0x80 { scalars.append(Unicode.Scalar(b)); continue }
            let code = windows1258High[Int(b) - 0x80]
            guard code != 0xFFFF, let scalar = Unicode.Scalar(code) else { return nil }
            scalars.append(scalar)
        }
        return String(scalars)
    }

    /// Bytes 0x80–0xFF of Windows-1258 (0xFFFF: undefined). Tone marks are combining characters.
    static let windows1258High: [UInt32] = [
        0x20AC, 0xFFFF, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0xFFFF, 0x2039, 0x0152, 0xFFFF, 0xFFFF, 0xFFFF,
        0xFFFF, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0xFFFF, 0x203A, 0x0153, 0xFFFF, 0xFFFF, 0x0178,
        0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
        0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
        0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
        0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
        0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
        0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF,
        0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7,
        0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF,
        0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
        0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF,
        0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7,
        0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF,
    ]
}
