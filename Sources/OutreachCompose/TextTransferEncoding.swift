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
