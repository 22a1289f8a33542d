import Foundation

/// RFC 5322 header lines with RFC 2047 encoded-words: no CR or LF from any input reaches a header,
/// non-ASCII text becomes base64 words of at most 75 characters that never split a UTF-8
/// character, and lines fold before 78 characters.
public enum HeaderEncoding {
    /// `text` on one line: CR, LF, tabs and other controls (C0 and C1), U+2028 and U+2029 become
    /// spaces, runs of spaces collapse, and the ends are trimmed.
    public static func singleLine(_ text: String) -> String {
        if text.utf8.withContiguousStorageIfAvailable(isPlainLine) == true { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var lastSpace = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            // General categories Cc (controls), Zl and Zp, and the space itself.
            if v <= 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029 {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastSpace = false
            }
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// Whether the bytes are already one line as `singleLine` makes it (most text is): no control,
    /// no line or paragraph separator, no double space, no space at either end. (C1 controls are
    /// C2 80–9F in UTF-8, the separators E2 80 A8 and E2 80 A9.)
    static func isPlainLine(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0x20
        for i in b.indices {
            let c = b[i]
            if c < 0x20 || c == 0x7F || (c == 0x20 && previous == 0x20)
                || (c == 0xC2 && i + 1 < b.count && b[i + 1] < 0xA0)
                || (c == 0xE2 && i + 2 < b.count && b[i + 1] == 0x80 && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9)) {
                return false
            }
            previous = c
        }
        return previous != 0x20
    }

    /// A complete unstructured header (`Subject: …`) with its CRLF.
    public static func unstructured(_ name: String, _ value: String) -> String {
        let text = singleLine(value)
        let prefix = name + ": "
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !text.contains("=?") {
            return fold(prefix + text) + "\r\n"
        }
        return prefix + encodedWords(text, firstLineUsed: prefix.utf8.count).joined(separator: "\r\n ") + "\r\n"
    }

    /// An address header (`From`, `To`, `Reply-To`) with an optional display name.
    public static func address(_ name: String, displayName: String?, address: String) -> String {
        let prefix = name + ": "
        let display = displayName.map(singleLine) ?? ""
        if display.isEmpty { return prefix + address + "\r\n" }
        if display.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) && !display.contains("=?") {
            let quoted = "\"" + display.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            let line = prefix + quoted + " <" + address + ">"
            return (line.utf8.count <= 76 ? line : prefix + quoted + "\r\n <" + address + ">") + "\r\n"
        }
        var words = encodedWords(display, firstLineUsed: prefix.utf8.count)
        let last = words.removeLast()
        let tail = (words.isEmpty ? prefix.utf8.count : 1) + last.utf8.count + 3 + address.utf8.count <= 76
            ? last + " <" + address + ">" : last + "\r\n <" + address + ">"
        return prefix + (words + [tail]).joined(separator: "\r\n ") + "\r\n"
    }

    /// `=?UTF-8?B?…?=` words for `text`, each fitting on its own folded line.
    static func encodedWords(_ text: String, firstLineUsed: Int) -> [String] {
        let bytes = Array(text.utf8)
        var words: [String] = []
        var start = 0
        var used = firstLineUsed
        while start < bytes.count {
            // Room on this line: 76 - used - 12 characters of base64, whole groups of 4.
            let capacity = max(4, (76 - used - 12) / 4 * 3)
            var end = min(bytes.count, start + capacity)
            while end < bytes.count && end > start && (bytes[end] & 0xC0) == 0x80 { end -= 1 }
            words.append("=?UTF-8?B?" + Data(bytes[start..<end]).base64EncodedString() + "?=")
            start = end
            used = 1
        }
        return words.isEmpty ? ["=?UTF-8?B??="] : words
    }

    /// Folds an ASCII header line at spaces so lines stay under 78 characters where possible.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 76 else { return line }
        var out = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.utf8.count + 1 + word.utf8.count > 76 {
                out += current + "\r\n"
                current = " " + word
            } else {
                current += current.isEmpty && out.isEmpty ? String(word) : " " + word
            }
        }
        return out + current
    }
}

/// Quoted-printable (RFC 2045) of UTF-8 text, with CRLF line ends and lines of at most 76 characters.
public enum QuotedPrintable {
    private static let hex = Array("0123456789ABCDEF".utf8)
    /// How many of the eight bytes of `v` (little-endian: the first byte lowest) go out as they
    /// are: those before the first byte that is not printable ASCII or space, or is "=" (8 if
    /// none), less a space at the end of that run (a space before a line break, or at the end of
    /// the eight where the next byte is unknown, is written =20 by the careful path).
    @inline(__always)
    static func plainPrefix(_ v: UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        // The classic zero-byte test: exact for the lowest zero byte, which is all we need.
        @inline(__always) func zeroBytes(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let nonASCII = v & highs
        let control = ~((v & ~highs) &+ 0x6060_6060_6060_6060) & highs  // 7-bit value < 32 (no carries)
        let special = nonASCII | control | zeroBytes(v ^ 0x7F7F_7F7F_7F7F_7F7F) | zeroBytes(v ^ 0x3D3D_3D3D_3D3D_3D3D)
        let plain = special.trailingZeroBitCount >> 3
        return plain > 0 && (v >> UInt64((plain - 1) * 8)) & 0xFF == 0x20 ? plain - 1 : plain
    }

    /// `text` as a quoted-printable body. Not `final`: a piece of a body that goes on; it ends
    /// with a soft line break (unless it ends at the start of a line), so whatever follows starts
    /// a line of its own and the piece's lines never depend on what comes before or after it.
    public static func encode(_ text: String, into out: inout [UInt8], final: Bool = true) {
        var text = text
        text.withUTF8 { encode($0, into: &out, final: final) }
    }

    /// Per byte, its encoded form packed little-endian (up to three bytes) with its length in the
    /// top byte; 0 for the bytes that depend on their neighbours (CR, LF, space, tab, ".").
    private static let forms: [UInt32] = (0..<256).map { b -> UInt32 in
        if b == 0x0D || b == 0x0A || b == 0x20 || b == 0x09 || b == 0x2E { return 0 }
        if b >= 33 && b <= 126 && b != 0x3D { return UInt32(b) | 1 << 24 }
        return 0x3D | UInt32(hex[b >> 4]) << 8 | UInt32(hex[b & 0xF]) << 16 | 3 << 24
    }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8], final: Bool = true) {
        let n = bytes.count
        // Worst case: every byte as =XX, plus a soft break every 25 of them, plus the final CRLF,
        // plus one byte of slack for the four-byte stores of three-byte forms.
        let capacity = n * 3 + (n / 25 + 2) * 3 + 2 + 1
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            guard n > 0, let src = bytes.baseAddress, let dst = buffer.baseAddress else {
                if final { buffer[0] = 0x0D; buffer[1] = 0x0A; count = 2 } else { count = 0 }
                return
            }
            hex.withUnsafeBufferPointer { hexDigits in forms.withUnsafeBufferPointer { formTable in
                let digits = hexDigits.baseAddress!, form = formTable.baseAddress!
                let raw = UnsafeRawPointer(src), out = UnsafeMutableRawPointer(dst)
                var o = 0
                var line = 0
                var i = 0
                while i < n {
                    // Runs of printable ASCII (most of an HTML part) go eight bytes at a time when
                    // all eight stay as they are and fit on the line; otherwise the bytes before the
                    // first that needs care go at once, and that one below.
                    if line > 0 && line <= 67 && i + 8 <= n {
                        let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        let plain = QuotedPrintable.plainPrefix(v)
                        out.storeBytes(of: v, toByteOffset: o, as: UInt64.self)
                        o += plain; line += plain; i += plain
                        if plain == 8 { continue }
                    }
                    let b = src[i]
                    let f = form[Int(b)]
                    if f != 0 {
                        // A byte whose form never depends on what is around it (=XX for non-ASCII).
                        let length = Int(f >> 24)
                        if line + length > 75 { dst[o] = 0x3D; dst[o + 1] = 0x0D; dst[o + 2] = 0x0A; o += 3; line = 0 }
                        out.storeBytes(of: f.littleEndian, toByteOffset: o, as: UInt32.self)
                        o += length; line += length; i += 1
                        continue
                    }
                    if b == 0x0D && i + 1 < n && src[i + 1] == 0x0A { i += 1; continue }
                    if b == 0x0A { dst[o] = 0x0D; dst[o + 1] = 0x0A; o += 2; line = 0; i += 1; continue }
                    // Space and tab stay unless a line break follows; a dot stays unless it would start a line.
                    var literal = b == 0x2E
                    if b == 0x20 || b == 0x09 { literal = i + 1 < n && src[i + 1] != 0x0A && src[i + 1] != 0x0D }
                    if line + (literal ? 1 : 3) > 75 { dst[o] = 0x3D; dst[o + 1] = 0x0D; dst[o + 2] = 0x0A; o += 3; line = 0 }
                    if literal && !(line == 0 && b == 0x2E) {
                        dst[o] = b; o += 1; line += 1
                    } else {
                        dst[o] = 0x3D; dst[o + 1] = digits[Int(b >> 4)]; dst[o + 2] = digits[Int(b & 0xF)]; o += 3; line += 3
                    }
                    i += 1
                }
                if final {
                    if src[n - 1] != 0x0A { dst[o] = 0x0D; dst[o + 1] = 0x0A; o += 2 }
                } else if line > 0 {
                    dst[o] = 0x3D; dst[o + 1] = 0x0D; dst[o + 2] = 0x0A; o += 3
                }
                count = o
            } }
        }
        out.append(contentsOf: encoded)
    }
}

/// Base64 for message bodies (RFC 2045 §6.8): lines of 76 characters ending in CRLF.
public enum Base64Body {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// `text` in its canonical form (RFC 2045 §6.8: line breaks are CRLF) as a base64 body.
    public static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { source in
            if let canonical = crlfLineBreaks(source) {
                canonical.withUnsafeBufferPointer { encode($0, into: &out) }
            } else {
                encode(source, into: &out)
            }
        }
    }

    /// The bytes with a CR before every line feed that lacks one; nil when none does. Runs
    /// between line feeds are found with `memchr` and copied whole.
    static func crlfLineBreaks(_ source: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let base = source.baseAddress else { return nil }
        let n = source.count
        func nextLineFeed(from i: Int) -> Int? {
            memchr(base + i, 0x0A, n - i).map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) - base }
        }
        var lf = nextLineFeed(from: 0)
        while let at = lf, at > 0 && base[at - 1] == 0x0D { lf = at + 1 < n ? nextLineFeed(from: at + 1) : nil }
        guard let first = lf else { return nil }
        return [UInt8](unsafeUninitializedCapacity: n * 2) { buffer, count in
            let dst = buffer.baseAddress!
            memcpy(dst, base, first)
            var i = first, o = first
            while i < n {
                let at = nextLineFeed(from: i) ?? n
                memcpy(dst + o, base + i, at - i); o += at - i
                if at == n { break }
                if at == 0 || base[at - 1] != 0x0D { dst[o] = 0x0D; o += 1 }
                dst[o] = 0x0A; o += 1
                i = at + 1
            }
            count = o
        }
    }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = bytes.count
        let lines = (n + 56) / 57
        let capacity = (n + 2) / 3 * 4 + lines * 2
        let encoded = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            guard n > 0, let src = bytes.baseAddress, let dst = buffer.baseAddress else { count = 0; return }
            alphabet.withUnsafeBufferPointer { table in
                let a = table.baseAddress!
                var i = 0, o = 0
                while i < n {
                    // One line: 57 bytes in, 76 characters out.
                    let end = min(n, i + 57)
                    while i + 3 <= end {
                        let v = UInt32(src[i]) << 16 | UInt32(src[i + 1]) << 8 | UInt32(src[i + 2])
                        dst[o] = a[Int(v >> 18)]; dst[o + 1] = a[Int(v >> 12 & 63)]
                        dst[o + 2] = a[Int(v >> 6 & 63)]; dst[o + 3] = a[Int(v & 63)]
                        i += 3; o += 4
                    }
                    if i < end {  // the last one or two bytes, padded
                        let second = i + 1 < end ? UInt32(src[i + 1]) : 0
                        let v = UInt32(src[i]) << 16 | second << 8
                        dst[o] = a[Int(v >> 18)]; dst[o + 1] = a[Int(v >> 12 & 63)]
                        dst[o + 2] = i + 1 < end ? a[Int(v >> 6 & 63)] : 0x3D; dst[o + 3] = 0x3D
                        i = end; o += 4
                    }
                    dst[o] = 0x0D; dst[o + 1] = 0x0A; o += 2
                }
                count = o
            }
        }
        out.append(contentsOf: encoded)
    }
}

/// The transfer encoding of a text part: quoted-printable while most of it is ASCII (it stays
/// readable and small), base64 once quoted-printable would be the larger (Vietnamese plain text,
/// Korean, Japanese, Chinese), as mail programs do.
public enum TextTransferEncoding: String, Sendable {
    case quotedPrintable = "quoted-printable", base64

    public static func choose(for text: String) -> TextTransferEncoding {
        var text = text
        return text.withUTF8 { choose(for: $0) }
    }

    /// Quoted-printable writes a non-ASCII byte as three characters (about n + 2 × escaped in
    /// all), base64 writes everything as 4/3 plus line ends (about 1.37 × n).
    static func choose(for bytes: UnsafeBufferPointer<UInt8>) -> TextTransferEncoding {
        guard let base = bytes.baseAddress else { return .quotedPrintable }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var escaped = 0, i = 0
        // The high bits of eight bytes at a time, summed per byte lane (at most 255 rounds before
        // a lane could overflow), then across the lanes.
        while i + 8 <= n {
            var lanes: UInt64 = 0
            let end = min(n - 7, i + 255 * 8)
            while i < end {
                lanes &+= (raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) >> 7) & 0x0101_0101_0101_0101
                i += 8
            }
            lanes = (lanes & 0x00FF_00FF_00FF_00FF) &+ ((lanes >> 8) & 0x00FF_00FF_00FF_00FF)  // four lanes of 16 bits
            escaped += Int(truncatingIfNeeded: (lanes &* 0x0001_0001_0001_0001) >> 48)
        }
        while i < n { if base[i] >= 0x80 { escaped += 1 }; i += 1 }
        return choose(nonASCII: escaped, of: n)
    }

    /// The choice for a text of `n` bytes of which `nonASCII` are not ASCII.
    static func choose(nonASCII: Int, of n: Int) -> TextTransferEncoding {
        nonASCII * 200 > n * 37 ? .base64 : .quotedPrintable
    }

    public func encode(_ text: String, into out: inout [UInt8]) {
        switch self {
        case .quotedPrintable: QuotedPrintable.encode(text, into: &out)
        case .base64: Base64Body.encode(text, into: &out)
        }
    }
}
