/// Content-Transfer-Encoding (RFC 2045): base64 and quoted-printable, both decoded leniently —
/// a bounce is read for what it says, so a stray character costs that character, not the part.
enum TransferEncoding {
    /// Decodes base64, skipping any byte outside the alphabet (line breaks, spaces, garbage) and
    /// tolerating missing padding.
    static func base64<C: Collection<UInt8>>(_ encoded: C) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count * 3 / 4)
        var accumulator: UInt32 = 0
        var count = 0
        for byte in encoded {
            let value = base64Values[Int(byte)]
            guard value < 64 else { continue }
            accumulator = accumulator << 6 | UInt32(value)
            count += 1
            if count == 4 {
                out.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                out.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator = 0
                count = 0
            }
        }
        if count == 2 {
            out.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        } else if count == 3 {
            out.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            out.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        }
        return out
    }

    /// Decodes quoted-printable: `=XX` in either case, soft line breaks `=` CR LF or `=` LF; an `=`
    /// that starts neither is kept as it is. In encoded words (`underscoreIsSpace`) `_` is a space.
    static func quotedPrintable(_ encoded: ArraySlice<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count)
        var i = encoded.startIndex
        while i < encoded.endIndex {
            let byte = encoded[i]
            if byte == 0x3D {
                if i + 1 < encoded.endIndex, encoded[i + 1] == .lf { i += 2; continue }
                if i + 2 < encoded.endIndex, encoded[i + 1] == .cr, encoded[i + 2] == .lf { i += 3; continue }
                if i + 2 < encoded.endIndex, let high = encoded[i + 1].hexValue, let low = encoded[i + 2].hexValue {
                    out.append(high << 4 | low)
                    i += 3
                    continue
                }
                // "=" then trailing white space before the line break is still a soft break.
                var j = i + 1
                while j < encoded.endIndex, encoded[j].isWhitespace { j += 1 }
                if j > i + 1, j < encoded.endIndex, encoded[j] == .lf || encoded[j] == .cr {
                    i = encoded[j] == .cr && j + 1 < encoded.endIndex && encoded[j + 1] == .lf ? j + 2 : j + 1
                    continue
                }
            }
            out.append(underscoreIsSpace && byte == 0x5F ? .space : byte)
            i += 1
        }
        return out
    }

    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (value, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()
}
