/// The matching keys an import has staged so far, as a Bloom filter of fixed size: it answers
/// "surely new" or "maybe seen before", never "new" for a key it was given. Only rows it flags
/// are looked at for duplicates, so a file without a repeated address is never sorted to find
/// them; its memory stays the same whatever the file's size.
struct AddressesSeen {
    /// 2^26 bits (8 MB): at 200,000 keys about one false "maybe" in 20,000 rows; at 5,000,000
    /// about one in 120 (those cost a lookup, not a wrong answer).
    static let bitCount = 1 << 26
    private static let probes = 3
    private var words: [UInt64] = []

    /// Adds `key`; true when it may have been added before (false: surely not).
    mutating func insert(_ key: String) -> Bool {
        if words.isEmpty { words = [UInt64](repeating: 0, count: Self.bitCount / 64) }
        var (first, step) = Self.hashes(key)
        var seen = true
        for _ in 0..<Self.probes {
            let bit = Int(truncatingIfNeeded: first & UInt64(Self.bitCount - 1))
            let mask: UInt64 = 1 << (bit & 63)
            if words[bit >> 6] & mask == 0 {
                seen = false
                words[bit >> 6] |= mask
            }
            first &+= step
        }
        return seen
    }

    /// Two independent 64-bit hashes of the key's UTF-8 bytes (FNV-1a, then SplitMix64's
    /// finalizer for each), the second odd so that the probes differ.
    static func hashes(_ key: String) -> (UInt64, UInt64) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (mix(h), mix(h ^ 0x9e37_79b9_7f4a_7c15) | 1)
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
