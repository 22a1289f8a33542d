/// Punycode (RFC 3492): a Unicode label written with the letters, digits and hyphen DNS allows.
/// IDNA (RFC 5891) puts `xn--` before it to make the label's A-label: `bücher` → `xn--bcher-kva`.
public enum Punycode {
    static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    /// The Punycode of `label`'s scalars, without the `xn--` prefix (nil: past what 32 bits count,
    /// which no label of 63 octets reaches).
    public static func encode(_ label: String) -> String? {
        let input = label.unicodeScalars.map(\.value)
        var output = input.filter { $0 < 0x80 }.map { UInt8($0) }
        let basic = output.count
        var handled = basic
        if basic > 0 { output.append(UInt8(ascii: "-")) }
        var n = UInt32(initialN), delta = 0, bias = initialBias
        while handled < input.count {
            guard let m = input.filter({ $0 >= n }).min() else { return nil }
            let (step, overflow) = Int(m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow, delta <= Int(UInt32.max) - step else { return nil }
            delta += step
            n = m
            for c in input {
                if c < n { delta += 1; guard delta <= Int(UInt32.max) else { return nil } }
                guard c == n else { continue }
                var q = delta, k = base
                while true {
                    let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                    if q < t { break }
                    output.append(digit(t + (q - t) % (base - t)))
                    q = (q - t) / (base - t)
                    k += base
                }
                output.append(digit(q))
                bias = adapt(delta, points: handled + 1, first: handled == basic)
                delta = 0
                handled += 1
            }
            delta += 1
            n += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func digit(_ d: Int) -> UInt8 { d < 26 ? UInt8(ascii: "a") + UInt8(d) : UInt8(ascii: "0") + UInt8(d - 26) }

    static func adapt(_ delta: Int, points: Int, first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / points
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}

extension EmailAddress {
    /// The address with its domain in A-labels (`lan@bücher.example` → `lan@xn--bcher-kva.example`),
    /// what a relay without SMTPUTF8 and every header accept, when the local part is ASCII; the
    /// address as it is otherwise (a non-ASCII local part needs SMTPUTF8 whatever the domain).
    /// Stored domains are already lower-case and NFC, as IDNA 2008 wants them.
    public static func withASCIIDomain(_ address: String) -> String {
        guard !address.utf8.allSatisfy({ $0 < 0x80 }), let at = address.lastIndex(of: "@") else { return address }
        let local = address[..<at]
        guard local.utf8.allSatisfy({ $0 < 0x80 }) else { return address }
        var labels: [String] = []
        for label in address[address.index(after: at)...].split(separator: ".", omittingEmptySubsequences: false) {
            if label.utf8.allSatisfy({ $0 < 0x80 }) { labels.append(String(label)); continue }
            guard let encoded = Punycode.encode(String(label)) else { return address }
            labels.append("xn--" + encoded)
        }
        return local + "@" + labels.joined(separator: ".")
    }
}
