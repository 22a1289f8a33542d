import Foundation

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
