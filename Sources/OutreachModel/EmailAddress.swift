import Crypto
import Foundation

/// An email address as the register stores it: trimmed, zero-width characters removed, Unicode NFC,
/// domain lower-cased. `key` additionally lower-cases the local part: two addresses with the same
/// key are the same person.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address as stored and as mail is sent to it.
    public let value: String
    /// The matching key (local part lower-cased too): unique in the register.
    public let key: String
    public var localPart: Substring { value[..<value.lastIndex(of: "@")!] }
    public var domain: Substring { value[value.index(after: value.lastIndex(of: "@")!)...] }
    public var description: String { value }
    /// Whether the local part needs SMTPUTF8 (non-ASCII).
    public var needsSMTPUTF8: Bool { !localPart.utf8.allSatisfy { $0 < 0x80 } }

    /// SHA-256 (hex) of the key: what the suppression list keeps after an erasure.
    public var hash: String { EmailAddress.hash(ofKey: key) }

    public static func hash(ofKey key: String) -> String {
        var key = key
        return key.withUTF8 { Hex.string(SHA256.hash(data: $0)) }
    }

    /// Why a text is not an address.
    public enum Problem: StaffFacingError, Equatable {
        case empty, noAt, severalAt, emptyLocalPart, localPartTooLong, badLocalPart(Character)
        case space, badDomain(DomainProblem)
        public var message: StaffMessage {
            switch self {
            case .empty: StaffMessage("address.empty")
            case .noAt: StaffMessage("address.no_at")
            case .severalAt: StaffMessage("address.several_at")
            case .emptyLocalPart: StaffMessage("address.empty_local_part")
            case .localPartTooLong: StaffMessage("address.local_part_too_long")
            case .badLocalPart(let c): StaffMessage("address.bad_local_part", ["character": String(c)])
            case .space: StaffMessage("address.space")
            case .badDomain(let why): StaffMessage("address.bad_domain", ["why": why.message])
            }
        }
    }

    /// What is wrong with the part after the @.
    public enum DomainProblem: Equatable, Sendable {
        case empty, tooLong, noDot, emptyLabel, longLabel, hyphenAtEdge, numericTopLevel, notAllowed(String)
        var message: StaffMessage {
            switch self {
            case .empty: StaffMessage("address.domain.empty")
            case .tooLong: StaffMessage("address.domain.too_long")
            case .noDot: StaffMessage("address.domain.no_dot")
            case .emptyLabel: StaffMessage("address.domain.empty_label")
            case .longLabel: StaffMessage("address.domain.long_label")
            case .hyphenAtEdge: StaffMessage("address.domain.hyphen")
            case .numericTopLevel: StaffMessage("address.domain.numeric_tld")
            case .notAllowed(let text): StaffMessage("address.domain.not_allowed", ["text": text])
            }
        }
    }

    /// Normalizes and checks `text`; throws a `Problem` saying what is wrong. Checked on Unicode
    /// scalars, not Characters: a `"`, `<`, `>`, `,` or `@` followed by a combining mark is still
    /// that character to a mail program, so it is refused like the bare one.
    public init(_ text: String) throws(Problem) {
        if let fast = try EmailAddress.plainASCII(text) { self = fast; return }
        let cleaned = EmailAddress.clean(text)
        guard !cleaned.isEmpty else { throw .empty }
        let scalars = Array(cleaned.unicodeScalars)
        var at: Int?
        for i in scalars.indices where scalars[i] == "@" {
            if at != nil { throw .severalAt }
            at = i
        }
        guard let at else { throw .noAt }
        let local = scalars[..<at]
        let domainScalars = scalars[(at + 1)...]
        guard !local.isEmpty else { throw .emptyLocalPart }
        let localText = String(String.UnicodeScalarView(local))
        guard localText.utf8.count <= 64 else { throw .localPartTooLong }
        var previous: Unicode.Scalar?
        for s in local {
            defer { previous = s }
            if s.properties.isWhitespace { throw .space }
            if s.isASCII {
                guard EmailAddress.isLetterOrDigit(s) || "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(s) else { throw .badLocalPart(Character(s)) }
            } else if EmailAddress.isMark(s) {
                // A combining mark belongs on a letter or a digit (or on another mark of one).
                guard let previous, EmailAddress.isLetterOrDigit(previous) || EmailAddress.isMark(previous) else {
                    throw .badLocalPart(previous.map { Character(String(String.UnicodeScalarView([$0, s]))) } ?? Character(s))
                }
            } else if !EmailAddress.isLetterOrDigit(s) && EmailAddress.isForbidden(s) {
                throw .badLocalPart(Character(s))
            }
        }
        if local.first == "." || local.last == "." || localText.contains("..") { throw .badLocalPart(".") }
        let domain = String(String.UnicodeScalarView(domainScalars)).lowercased()
        try EmailAddress.checkDomain(domain)
        self.value = localText + "@" + domain
        self.key = localText.lowercased() + "@" + domain
    }

    /// Letters and digits of any script (not combining marks, many of which Unicode counts as
    /// alphabetic: U+0367 COMBINING LATIN SMALL LETTER U would otherwise start a label).
    static func isLetterOrDigit(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") }
        return !isMark(s) && (s.properties.isAlphabetic || s.properties.numericType != nil)
    }

    /// Combining marks (accents written as a scalar of their own).
    static func isMark(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Scalars no address may hold: controls, format characters, separators, private use, unassigned.
    static func isForbidden(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: true
        default: false
        }
    }

    private init(value: String, key: String) { self.value = value; self.key = key }

    /// An address as the register stored it, with its stored key, taken as it is: it passed the
    /// validator of its day, and today's stricter one must not make the person unreachable by
    /// their own links (unsubscribe, confirm). Sending still checks it (`init(_:)`).
    package init(stored value: String, key: String) {
        self.value = value.contains("@") ? value : value + "@invalid"
        self.key = key.contains("@") ? key : key + "@invalid"
    }

    /// The common case checked on bytes: printable ASCII, one @, a letters-digits-hyphen domain.
    /// nil sends anything unusual (non-ASCII, spaces inside, odd characters) to the full check.
    static func plainASCII(_ text: String) throws(Problem) -> EmailAddress? {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A || bytes[start] == 0x0D { start += 1 }
        guard start < bytes.count else { return nil }
        var at = -1
        for i in start..<bytes.count {
            let b = bytes[i]
            if b == 0x40 { if at >= 0 { return nil }; at = i; continue }
            guard b > 0x20 && b < 0x7F else { return nil }
            if at >= 0 { guard (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x2E else { return nil } }
            else { guard (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D || b == 0x2B else { return nil } }
        }
        guard at > start, at - start <= 64, at < bytes.count - 1 else { return nil }
        let local = bytes[start..<at]
        if local.first == 0x2E || local.last == 0x2E { return nil }
        var domain = Array(bytes[(at + 1)...])
        for i in domain.indices where domain[i] >= 0x41 && domain[i] <= 0x5A { domain[i] += 0x20 }
        var previous: UInt8 = 0x2E
        var dots = 0
        for b in domain {
            if b == 0x2E {
                if previous == 0x2E || previous == 0x2D { return nil }
                dots += 1
            } else if b == 0x2D && previous == 0x2E { return nil }
            previous = b
        }
        if previous == 0x2E || previous == 0x2D || dots == 0 || domain.count > 253 { return nil }
        var prev: UInt8 = 0
        for b in local { if b == 0x2E && prev == 0x2E { return nil }; prev = b }
        var labelLength = 0
        for b in domain { if b == 0x2E { labelLength = 0 } else { labelLength += 1; if labelLength > 63 { return nil } } }
        let tld = domain[(domain.lastIndex(of: 0x2E)! + 1)...]
        if tld.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { return nil }
        if start == 0 && bytes.count == text.utf8.count && !bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) {
            // Already trimmed and lower case (most addresses of a file): the text is its own key.
            return EmailAddress(value: text, key: text)
        }
        let domainText = String(decoding: domain, as: UTF8.self)
        let localText = String(decoding: local, as: UTF8.self)
        var lower = Array(local)
        for i in lower.indices where lower[i] >= 0x41 && lower[i] <= 0x5A { lower[i] += 0x20 }
        return EmailAddress(value: localText + "@" + domainText, key: String(decoding: lower, as: UTF8.self) + "@" + domainText)
    }

    /// Trim, drop zero-width characters, NFC.
    static func clean(_ text: String) -> String {
        var s = text
        if !s.utf8.allSatisfy({ $0 < 0x80 }) {
            s = String(String.UnicodeScalarView(s.unicodeScalars.filter { !zeroWidth.contains($0.value) }))
            s = s.precomposedStringWithCanonicalMapping
        }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD]

    static func checkDomain(_ domain: String) throws(Problem) {
        guard !domain.isEmpty else { throw .badDomain(.empty) }
        guard domain.utf8.count <= 253 else { throw .badDomain(.tooLong) }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw .badDomain(.noDot) }
        for label in labels {
            guard !label.isEmpty else { throw .badDomain(.emptyLabel) }
            guard label.utf8.count <= 63 else { throw .badDomain(.longLabel) }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else { throw .badDomain(.hyphenAtEdge) }
            var previous: Unicode.Scalar?
            for c in label.unicodeScalars {
                defer { previous = c }
                if c == "-" || isLetterOrDigit(c) { continue }
                if isMark(c), let previous, isLetterOrDigit(previous) || isMark(previous) { continue }
                throw .badDomain(.notAllowed(previous.map { String(String.UnicodeScalarView([$0, c])) } ?? String(c)))
            }
        }
        if labels.last!.unicodeScalars.allSatisfy({ $0.properties.numericType != nil }) { throw .badDomain(.numericTopLevel) }
    }
}

/// Lower-case hexadecimal, without `String(format:)` (which costs microseconds a byte).
package enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)
    package static func string<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of lower- or upper-case hexadecimal text; nil when it is not that.
    package static func bytes(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = value(utf8[i]), let lo = value(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// The same for bytes in memory, written straight into the string (a digest's first bytes,
    /// per message: no generic iteration, no intermediate array).
    package static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            for (i, b) in bytes.enumerated() {
                out[2 * i] = digits[Int(b >> 4)]
                out[2 * i + 1] = digits[Int(b & 0xF)]
            }
            return bytes.count * 2
        }
    }
}
