import OutreachModel
/// DKIM's "relaxed" canonicalization (RFC 6376 §3.4.2 and §3.4.4), on bytes: the forms of a
/// message's header fields and body that a signature covers, so that the whitespace changes and
/// header re-folding relays make in transit do not break it.
public enum DKIMCanonicalization {
    static let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A, sp: UInt8 = 0x20, tab: UInt8 = 0x09, colon: UInt8 = 0x3A

    /// One header field of a message: where it starts, its colon, and where its final CRLF
    /// starts (continuation lines included).
    struct Field {
        let start: Int
        let colon: Int
        let end: Int
    }

    /// The header fields of a message (CRLF line ends), top to bottom, and where its body starts
    /// (after the empty line; the end when there is none).
    static func fields(_ m: UnsafeBufferPointer<UInt8>) -> (fields: [Field], bodyStart: Int) {
        var fields: [Field] = []
        fields.reserveCapacity(24)
        let n = m.count
        var i = 0
        while i < n {
            if m[i] == cr, i + 1 < n, m[i + 1] == lf { return (fields, i + 2) }
            let start = i
            var colonAt = -1
            while i < n {
                let b = m[i]
                if b == colon && colonAt < 0 { colonAt = i }
                // A CRLF not followed by whitespace ends the field; one followed by whitespace folds it.
                if b == cr, i + 1 < n, m[i + 1] == lf, i + 2 >= n || (m[i + 2] != sp && m[i + 2] != tab) { break }
                i += 1
            }
            fields.append(Field(start: start, colon: colonAt < 0 ? min(i, n) : colonAt, end: min(i, n)))
            i += 2
        }
        return (fields, n)
    }

    /// Whether the field's name is `name` (lower-case ASCII), ignoring case and whitespace before the colon.
    static func field(_ f: Field, in m: UnsafeBufferPointer<UInt8>, isNamed name: [UInt8]) -> Bool {
        var last = f.colon
        while last > f.start, m[last - 1] == sp || m[last - 1] == tab { last -= 1 }
        guard last - f.start == name.count else { return false }
        for k in 0..<name.count where lower(m[f.start + k]) != name[k] { return false }
        return true
    }

    /// An ASCII letter in lower case; any other byte as it is.
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Appends the relaxed form of a header field: name lower-cased, unfolded, whitespace runs as
    /// one space, none around the colon or at the end; then CRLF unless `terminated` is false
    /// (the DKIM-Signature field itself is hashed without it).
    static func appendHeader(_ f: Field, of m: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], terminated: Bool = true) {
        for k in f.start..<f.colon {
            let b = m[k]
            if b == sp || b == tab || b == cr || b == lf { continue }
            out.append(lower(b))
        }
        out.append(colon)
        var space = false, started = false
        var k = f.colon + 1
        while k < f.end {
            let b = m[k]
            k += 1
            if b == cr || b == lf { continue }
            if b == sp || b == tab { space = started; continue }
            if space { out.append(sp); space = false }
            started = true
            out.append(b)
        }
        if terminated { out.append(cr); out.append(lf) }
    }

    /// The relaxed form of one header field given as text (`Name: value`, folded or not).
    public static func header(_ text: String, terminated: Bool = true) -> String {
        var bytes = Array(text.utf8)
        if bytes.count >= 2, bytes[bytes.count - 2] == cr, bytes.last == lf { bytes.removeLast(2) }
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { m in
            let colonAt = m.firstIndex(of: colon) ?? m.count
            appendHeader(Field(start: 0, colon: colonAt, end: m.count), of: m, to: &out, terminated: terminated)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The relaxed form of a body (CRLF line ends): whitespace runs as one space, none at the ends
    /// of lines, no empty lines at the end, and a final CRLF unless the body is empty.
    static func body(_ m: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let n = m.count
        guard let input = m.baseAddress, n > 0 else { return [] }
        // Never longer than the body plus a final CRLF: written in place. Runs of bytes above
        // space (most of a base64 or quoted-printable body) are found eight at a time and copied
        // whole; only CR, space, tab and other controls take the byte-by-byte path.
        return [UInt8](unsafeUninitializedCapacity: n + 2) { buffer, count in
            let out = buffer.baseAddress!
            var o = 0, i = 0
            var emptyLines = 0, lineHasText = false, space = false
            while i < n {
                let b = input[i]
                if b == cr, i + 1 < n, input[i + 1] == lf {
                    if lineHasText { out[o] = cr; out[o + 1] = lf; o += 2 } else { emptyLines += 1 }
                    lineHasText = false; space = false
                    i += 2
                    continue
                }
                if b == sp || b == tab { space = true; i += 1; continue }
                if !lineHasText {
                    // Empty lines count only when text follows them.
                    for _ in 0..<emptyLines { out[o] = cr; out[o + 1] = lf; o += 2 }
                    emptyLines = 0
                    lineHasText = true
                }
                if space { out[o] = sp; o += 1; space = false }
                var j = i + 1
                if b > sp {
                    j = endOfText(input, from: j, count: n)
                }
                (out + o).update(from: input + i, count: j - i)
                o += j - i
                i = j
            }
            if lineHasText { out[o] = cr; out[o + 1] = lf; o += 2 }
            count = o
        }
    }

    /// The first index from `i` on whose byte is a space, a control or the end.
    @inline(__always)
    static func endOfText(_ p: UnsafePointer<UInt8>, from start: Int, count n: Int) -> Int {
        var i = start
        // A word has a byte below 0x21 iff (w - 0x21…21) & ~w & 0x80…80 is not zero.
        while i + 8 <= n {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            if (w &- 0x2121_2121_2121_2121) & ~w & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n, p[i] > sp { i += 1 }
        return i
    }

    /// The relaxed form of a body given as bytes.
    public static func body(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { body($0) }
    }
}
