import Foundation

// ASCII byte work shared by the reader. Everything here runs on slices of the message as it was
// read, so a mailbox of thousands of bounces is never turned into Strings line by line.

extension UInt8 {
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let hyphen: UInt8 = 0x2D

    var isWhitespace: Bool { self == .space || self == .tab }
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self | 0x20 : self }
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }

    /// The value of a hexadecimal digit in either case.
    var hexValue: UInt8? {
        switch self {
        case 0x30...0x39: self - 0x30
        case 0x41...0x46: self - 0x41 + 10
        case 0x61...0x66: self - 0x61 + 10
        default: nil
        }
    }
}

extension ArraySlice<UInt8> {
    /// The index of the next line feed at or after `start`, found with `memchr` because this is
    /// the loop every part of the reader runs over every byte.
    func indexOfLineFeed(from start: Int) -> Int? {
        guard start < endIndex else { return nil }
        return withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress else { return nil }
            let offset = start - startIndex
            guard let found = memchr(base + offset, Int32(UInt8.lf), buffer.count - offset) else { return nil }
            return startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
        }
    }

    /// The line starting at `start`: its content without CR LF or LF, and where the next line starts.
    func line(at start: Int) -> (content: Range<Int>, next: Int) {
        guard let lf = indexOfLineFeed(from: start) else { return (start..<endIndex, endIndex) }
        let end = lf > start && self[lf - 1] == .cr ? lf - 1 : lf
        return (start..<end, lf + 1)
    }

    /// Whether these bytes start with `prefix`, ignoring ASCII case.
    func hasCaseInsensitivePrefix(_ prefix: String) -> Bool {
        var i = startIndex
        for expected in prefix.utf8 {
            guard i < endIndex, self[i].asciiLowercased == expected else { return false }
            i += 1
        }
        return true
    }

    /// Whether these bytes equal `name` (given in lower case), ignoring ASCII case.
    func equalsCaseInsensitive(_ name: String) -> Bool {
        guard count == name.utf8.count else { return false }  // most names differ in length
        var i = startIndex
        for expected in name.utf8 {
            guard i < endIndex, self[i].asciiLowercased == expected else { return false }
            i += 1
        }
        return i == endIndex
    }

    /// These bytes without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> ArraySlice<UInt8> {
        var lower = startIndex, upper = endIndex
        while lower < upper, self[lower].isWhitespace || self[lower] == .cr || self[lower] == .lf { lower += 1 }
        while upper > lower, self[upper - 1].isWhitespace || self[upper - 1] == .cr || self[upper - 1] == .lf { upper -= 1 }
        return self[lower..<upper]
    }
}

extension ArraySlice<UInt8> {
    /// Where `needle` first occurs at or after `start`: `memchr` finds each candidate first byte.
    /// (Glibc has no `memmem` in Swift, and the generic `firstRange(of:)` is an order of magnitude slower.)
    func firstRange(ofBytes needle: [UInt8], from start: Int? = nil) -> Range<Int>? {
        guard let first = needle.first else { return nil }
        var i = start ?? startIndex
        return withUnsafeBufferPointer { buffer -> Range<Int>? in
            guard let base = buffer.baseAddress else { return nil }
            while i + needle.count <= endIndex {
                let offset = i - startIndex
                guard let found = memchr(base + offset, Int32(first), buffer.count - offset) else { return nil }
                let at = offset + (UnsafeRawPointer(found) - UnsafeRawPointer(base + offset))
                guard at + needle.count <= buffer.count else { return nil }
                var k = 1
                while k < needle.count, base[at + k] == needle[k] { k += 1 }
                if k == needle.count { return (startIndex + at)..<(startIndex + at + needle.count) }
                i = startIndex + at + 1
            }
            return nil
        }
    }

    /// Whether any of `needles` occurs in these bytes.
    func containsAny(_ needles: [[UInt8]]) -> Bool {
        needles.contains { firstRange(ofBytes: $0) != nil }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks. ASCII only, and much
    /// cheaper than Foundation's `trimmingCharacters(in:)` on Linux.
    var trimmedASCIIWhitespace: String {
        String(decoding: Array(utf8)[...].trimmingWhitespace(), as: UTF8.self)
    }

    /// The text between the first `<` and the following `>`, or the whole text trimmed when it has
    /// no angle brackets: how message ids and single addresses are written.
    var insideAngleBrackets: String {
        let bytes = Array(utf8)[...]
        guard let open = bytes.firstIndex(of: 0x3C) else { return String(decoding: bytes.trimmingWhitespace(), as: UTF8.self) }
        let rest = bytes[(open + 1)...]
        let close = rest.firstIndex(of: 0x3E) ?? rest.endIndex
        return String(decoding: rest[..<close].trimmingWhitespace(), as: UTF8.self)
    }

    /// The UTF-8 bytes with ASCII letters lower-cased, for searching lower-case phrases.
    var asciiLowercasedBytes: [UInt8] { utf8.map(\.asciiLowercased) }
}

/// Lower-case phrases as UTF-8 bytes, ready for `containsAny`.
func phraseBytes(_ phrases: [String]) -> [[UInt8]] { phrases.map { Array($0.utf8) } }
