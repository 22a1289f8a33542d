/// The matching keys an import has staged so far, as a Bloom filter of fixed size: it answers
/// "surely new" or "maybe seen before", never "new" for a key it was given. Only rows it flags
/// are looked at for duplicates, so a file without a repeated address is never sorted to find
/// them; its memory stays the same whatever the file's size.
struct AddressesSeen {
    /// 2^26 bits (8 MB): at 200,000 keys a false "maybe" about once in a million rows; at
    /// 5,000,000 about once in a hundred (those cost a lookup, not a wrong answer).
    static let bitCount = 1 << 26
    private static let probes = 4
    private var words: [UInt64] = []

    /// Adds `key`; true when it may have been added before (false: surely not).
    /// The probes of one key fall in one block of 512 bits (a cache line): one memory access
    /// per key, not one per probe, for a slightly higher rate of false "maybe".
    mutating func insert(_ key: String) -> Bool {
        if words.isEmpty { words = [UInt64](repeating: 0, count: Self.bitCount / 64) }
        let (block, bits) = Self.hashes(key)
        let first = Int(truncatingIfNeeded: block & UInt64(Self.bitCount / 512 - 1)) * 8
        var seen = true
        for probe in 0..<Self.probes {
            let bit = Int(truncatingIfNeeded: (bits >> (9 * probe)) & 511)
            let mask: UInt64 = 1 << (bit & 63)
            if words[first + bit >> 6] & mask == 0 {
                seen = false
                words[first + bit >> 6] |= mask
            }
        }
        return seen
    }

    /// Two independent 64-bit hashes of the key's UTF-8 bytes (FNV-1a, then SplitMix64's
    /// finalizer for each): one picks the block, the other the bits in it, 9 bits a probe.
    static func hashes(_ key: String) -> (UInt64, UInt64) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return (mix(h), mix(h ^ 0x9e37_79b9_7f4a_7c15))
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
