import Foundation

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
