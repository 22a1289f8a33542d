import OutreachModel
import OutreachRegister
import Foundation

/// One unfolded content line of a vCard, `group.NAME;PARAM=x;PARAM:value`, with what its
/// parameters say about reading the value (encoding, character set, preference).
struct VCardProperty {
    /// The whole line, for a rejection to show.
    let line: [UInt8]
    /// The property name, upper-case, without its group (`item1.EMAIL` → `EMAIL`).
    let name: String
    private let valueStart: Int
    private var quotedPrintable = false
    private var base64 = false
    private var charset: String?
    /// 1 is the most preferred (`PREF`, `PREF=1`, `TYPE=pref`); 100 when nothing is said.
    private(set) var rank = 100

    /// Why a value cannot be read as text.
    struct Unreadable: StaffFacingError {
        let message: StaffMessage
    }

    /// Nil for a line that is no property (no colon: a blank line, a stray base64 line).
    init?(_ line: [UInt8]) {
        var colon: Int?
        var quoted = false
        var separators: [Int] = []
        for (i, b) in line.enumerated() {
            if b == 0x22 { quoted.toggle() }
            else if !quoted && b == 0x3A { colon = i; break }
            else if !quoted && b == 0x3B { separators.append(i) }
        }
        guard let colon else { return nil }
        self.line = line
        valueStart = colon + 1
        let nameEnd = separators.first ?? colon
        var nameBytes = line[0..<nameEnd]
        if let dot = nameBytes.lastIndex(of: 0x2E) { nameBytes = line[(dot + 1)..<nameEnd] }
        name = VCardProperty.upper(nameBytes)
        let bounds = separators + [colon]
        for (start, end) in zip(bounds, bounds.dropFirst()) {
            readParameter(line[(start + 1)..<end])
        }
    }

    private mutating func readParameter(_ bytes: ArraySlice<UInt8>) {
        /// Upper-case, without the spaces and quotes around it.
        func word(_ slice: ArraySlice<UInt8>) -> [UInt8] {
            slice.drop { $0 == 0x20 || $0 == 0x22 }.reversed().drop { $0 == 0x20 || $0 == 0x22 }.reversed().map(VCardReader.upper)
        }
        guard let eq = bytes.firstIndex(of: 0x3D) else {
            switch word(bytes) {
            case Array("QUOTED-PRINTABLE".utf8): quotedPrintable = true
            case Array("BASE64".utf8): base64 = true
            case Array("PREF".utf8): rank = min(rank, 1)
            default: break  // 2.1 bare types: HOME, WORK, INTERNET…
            }
            return
        }
        let key = word(bytes[..<eq])
        let values = bytes[(eq + 1)...].split(separator: 0x2C).map(word)
        switch key {
        case Array("ENCODING".utf8):
            if values.contains(Array("QUOTED-PRINTABLE".utf8)) { quotedPrintable = true }
            if values.contains(Array("B".utf8)) || values.contains(Array("BASE64".utf8)) { base64 = true }
        case Array("CHARSET".utf8): charset = values.first.map { String(decoding: $0, as: UTF8.self) }
        case Array("PREF".utf8): if let n = values.first.flatMap({ Int(String(decoding: $0, as: UTF8.self)) }) { rank = min(rank, n) }
        case Array("TYPE".utf8): if values.contains(Array("PREF".utf8)) { rank = min(rank, 1) }
        default: break
        }
    }

    /// True for `BEGIN:VCARD` and `END:VCARD`'s value.
    var isVCard: Bool { SourceContact.trimmed(VCardProperty.upper(line[valueStart...])) == "VCARD" }

    /// The value as UTF-8 bytes, quoted-printable or base64 undone and its character set read.
    func value() -> Result<[UInt8], Unreadable> {
        let raw = line[valueStart...]
        let bytes: [UInt8]
        if quotedPrintable {
            bytes = VCardProperty.quotedPrintableDecoded(raw)
        } else if base64 {
            guard let data = Data(base64Encoded: Data(raw), options: .ignoreUnknownCharacters) else {
                return .failure(Unreadable(message: StaffMessage("import.card_base64")))
            }
            bytes = [UInt8](data)
        } else {
            return .success(Array(raw))  // the file as a whole was decoded already
        }
        let text: String?
        switch charset?.uppercased() {
        case nil, "UTF-8", "UTF8", "US-ASCII", "ASCII": text = String(validating: bytes, as: UTF8.self)
        case "ISO-8859-1", "LATIN1", "ISO8859-1": text = String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "WINDOWS-1252", "CP1252": text = String(bytes: bytes, encoding: .windowsCP1252)
        case "WINDOWS-1258", "CP1258": text = TextDecoder.windows1258(bytes)
        case "SHIFT_JIS", "SHIFT-JIS", "SJIS": text = String(bytes: bytes, encoding: .shiftJIS)
        case let other?:
            return .failure(Unreadable(message: StaffMessage("import.card_charset", ["charset": other])))
        }
        guard let text else {
            return .failure(Unreadable(message: StaffMessage("import.card_bad_value", ["encoding": quotedPrintable ? "quoted-printable" : "base64", "charset": charset ?? "UTF-8"])))
        }
        return .success(Array(TextDecoder.nfc(text).utf8))
    }

    /// `=XX` sequences as bytes; anything else (a stray `=`) as it stands.
    static func quotedPrintableDecoded(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: b - 0x30
            case 0x41...0x46: b - 0x37
            case 0x61...0x66: b - 0x57
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            if raw[i] == 0x3D, i + 2 < raw.endIndex, let high = hex(raw[i + 1]), let low = hex(raw[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(raw[i])
                i += 1
            }
        }
        return out
    }

    /// The components of a structured value (`N`, `ADR`, `ORG`), split at unescaped `;`.
    static func components(_ value: [UInt8]) -> [ArraySlice<UInt8>] { split(value[...], at: 0x3B) }

    /// The items of a list value (`CATEGORIES`, a component of `N`), split at unescaped `,`; empty ones dropped.
    static func list(_ value: ArraySlice<UInt8>) -> [String] { split(value, at: 0x2C).map(text).filter { !$0.isEmpty } }

    /// A text value: escapes undone (`\,` `\;` `\\` `\n`), trimmed, NFC.
    static func text(_ value: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var escaped = false
        for b in value {
            if escaped {
                out.append(b == 0x6E || b == 0x4E ? 0x0A : b)
                escaped = false
            } else if b == 0x5C {
                escaped = true
            } else {
                out.append(b)
            }
        }
        if escaped { out.append(0x5C) }
        while let last = out.last, last == 0x20 || last == 0x09 { out.removeLast() }
        let first = out.firstIndex { $0 != 0x20 && $0 != 0x09 } ?? out.endIndex
        return TextDecoder.nfc(String(decoding: out[first...], as: UTF8.self))
    }

    private static func split(_ value: ArraySlice<UInt8>, at separator: UInt8) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = value.startIndex
        var escaped = false
        for i in value.indices {
            if escaped { escaped = false; continue }
            if value[i] == 0x5C { escaped = true } else if value[i] == separator { parts.append(value[start..<i]); start = i + 1 }
        }
        parts.append(value[start...])
        return parts
    }

    private static func upper(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
    }
}
