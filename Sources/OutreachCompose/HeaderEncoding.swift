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
            if line.utf8.count <= 76 { return line + "\r\n" }
            // No header line may pass 998 bytes (RFC 5322), whatever the name: a long quoted name
            // folds at its spaces; one with a run too long for a line goes as encoded words.
            let folded = fold(prefix + quoted)
            if folded.split(separator: "\r\n").allSatisfy({ $0.utf8.count <= 78 }) { return folded + "\r\n <" + address + ">\r\n" }
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
