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
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Why a text is not an address.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case empty, noAt, severalAt, emptyLocalPart, localPartTooLong, badLocalPart(Character)
        case space, badDomain(String)
        public var description: String {
            switch self {
            case .empty: "is empty"
            case .noAt: "has no @"
            case .severalAt: "has more than one @"
            case .emptyLocalPart: "has nothing before the @"
            case .localPartTooLong: "has more than 64 characters before the @"
            case .badLocalPart(let c): "has \"\(c)\" before the @"
            case .space: "contains a space"
            case .badDomain(let why): "has a bad domain (\(why))"
            }
        }
    }

    /// Normalizes and checks `text`; throws a `Problem` saying what is wrong.
    public init(_ text: String) throws(Problem) {
        let cleaned = EmailAddress.clean(text)
        guard !cleaned.isEmpty else { throw .empty }
        var at: String.Index?
        for i in cleaned.indices where cleaned[i] == "@" {
            if at != nil { throw .severalAt }
            at = i
        }
        guard let at else { throw .noAt }
        let local = cleaned[..<at]
        let domainText = cleaned[cleaned.index(after: at)...]
        guard !local.isEmpty else { throw .emptyLocalPart }
        guard local.utf8.count <= 64 else { throw .localPartTooLong }
        for c in local {
            if c.isWhitespace { throw .space }
            if c.isASCII {
                guard c.isLetter || c.isNumber || "!#$%&'*+-/=?^_`{|}~.".contains(c) else { throw .badLocalPart(c) }
            } else if c.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw .badLocalPart(c)
            }
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { throw .badLocalPart(".") }
        let domain = domainText.lowercased()
        try EmailAddress.checkDomain(domain)
        let ascii = local.utf8.allSatisfy { $0 < 0x80 }
        self.value = String(local) + "@" + domain
        self.key = (ascii ? local.lowercased() : String(local).lowercased()) + "@" + domain
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

    static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD]

    static func checkDomain(_ domain: String) throws(Problem) {
        guard !domain.isEmpty else { throw .badDomain("empty") }
        guard domain.utf8.count <= 253 else { throw .badDomain("too long") }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { throw .badDomain("no dot") }
        for label in labels {
            guard !label.isEmpty else { throw .badDomain("empty label") }
            guard label.utf8.count <= 63 else { throw .badDomain("label longer than 63") }
            guard !label.hasPrefix("-"), !label.hasSuffix("-") else { throw .badDomain("label starts or ends with -") }
            for c in label {
                guard c == "-" || c.isLetter || c.isNumber else { throw .badDomain("\"\(c)\" is not allowed") }
            }
        }
        if labels.last!.allSatisfy(\.isNumber) { throw .badDomain("numeric top-level domain") }
    }
}
