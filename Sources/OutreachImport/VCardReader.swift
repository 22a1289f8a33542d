import OutreachModel
import OutreachRegister
import Foundation

/// Reads vCard files (versions 2.1, 3.0 and 4.0) as phones and address books export them:
/// folded lines, quoted-printable values in a named `CHARSET` (Android's 2.1), property groups
/// (`item1.EMAIL`, iPhone), `PREF` and `TYPE=pref`. It keeps what the register holds: `FN`, `N`,
/// `EMAIL`, `ORG`, `CATEGORIES`, the `ADR` city and country, `LANG`. Cards are numbered from 1
/// in file order, as rejections name them.
public struct VCardReader: Sendable {
    /// A file that cannot be read as vCards at all; nothing is imported from it.
    public enum Failure: StaffFacingError {
        /// A card that the file ends inside of (a truncated export).
        case unclosedCard(card: Int, line: Int)
        /// Nothing between BEGIN:VCARD and END:VCARD.
        case noCards
        /// The message for staff, naming the card and line.
        public var message: StaffMessage {
            switch self {
            case .unclosedCard(let card, let line): StaffMessage("import.unclosed_card", ["card": card, "line": line])
            case .noCards: StaffMessage("import.no_cards")
            }
        }
    }

    /// What a file held: the readable cards, the cards that could not be read, the versions seen.
    struct Cards {
        var contacts: [(card: Int, contact: SourceContact)] = []
        var rejections: [ContactRow.Rejection] = []
        var versions: Set<String> = []
    }

    /// A reader; it holds no state between files.
    public init() {}

    /// True when the first line with text is `BEGIN:VCARD`, whatever the file is called.
    public static func isVCard(_ text: String) -> Bool {
        let start = text.utf8.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        return start.prefix(11).map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }.elementsEqual("BEGIN:VCARD".utf8)
    }

    /// Every card of `text`.
    func cards(_ text: String) throws(Failure) -> Cards {
        var text = text
        var result = Cards()
        var failure: Failure?
        text.withUTF8 { bytes in
            do throws(Failure) { result = try parse(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
        if result.contacts.isEmpty && result.rejections.isEmpty { throw .noCards }
        return result
    }

    /// One card while it is read.
    private struct Card {
        var number: Int
        var line: Int
        var contact = SourceContact()
        var emails: [(rank: Int, value: String)] = []
        var places: [(rank: Int, city: String?, country: String?)] = []
        var languages: [(rank: Int, value: String)] = []
        var categories: [String] = []
        var unreadable: ContactRow.Rejection?
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> Cards {
        var result = Cards()
        var position = 0
        /// The next physical line, without its CR LF or LF.
        func nextLine() -> Range<Int>? {
            guard position < bytes.count else { return nil }
            let start = position
            while position < bytes.count && bytes[position] != 0x0A { position += 1 }
            var end = position
            if position < bytes.count { position += 1 }
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            return start..<end
        }
        var lineNumber = 0
        var logical: [UInt8] = []
        var card: Card?
        var depth = 0
        var cardCount = 0
        var pending = nextLine()
        while let first = pending {
            lineNumber += 1
            let startLine = lineNumber
            logical.removeAll(keepingCapacity: true)
            logical.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[first]))
            let quotedPrintable = VCardReader.isQuotedPrintable(logical)
            pending = nextLine()
            // Unfold: a line starting with a space or tab continues the previous one; so does any
            // line after a quoted-printable soft break (a line ending in "=").
            while let next = pending {
                if quotedPrintable && logical.last == 0x3D {
                    logical.removeLast()
                    logical.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[next]))
                } else if !next.isEmpty && (bytes[next.lowerBound] == 0x20 || bytes[next.lowerBound] == 0x09) {
                    logical.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(next.lowerBound + 1)..<next.upperBound]))
                } else {
                    break
                }
                lineNumber += 1
                pending = nextLine()
            }
            // Most lines (TEL, PHOTO, X-…) are skipped on their name, before their parameters are read.
            guard VCardReader.isKept(logical), let property = VCardProperty(logical) else { continue }
            switch property.name {
            case "BEGIN" where property.isVCard:
                depth += 1
                if depth == 1 { cardCount += 1; card = Card(number: cardCount, line: startLine) }
                continue
            case "END" where property.isVCard && depth > 0:
                depth -= 1
                if depth == 0, let done = card { finish(done, into: &result); card = nil }
                continue
            default:
                break
            }
            guard depth == 1, card != nil else { continue }  // outside any card, or inside a nested AGENT card
            read(property, into: &card!, versions: &result.versions)
        }
        if let open = card { throw .unclosedCard(card: open.number, line: open.line) }
        return result
    }

    /// Keeps what the register holds of one property.
    private func read(_ property: VCardProperty, into card: inout Card, versions: inout Set<String>) {
        switch property.name {
        case "VERSION", "FN", "N", "EMAIL", "ORG", "CATEGORIES", "ADR", "LANG": break
        default: return
        }
        let value: [UInt8]
        switch property.value() {
        case .success(let bytes): value = bytes
        case .failure(let why):
            if card.unreadable == nil {
                card.unreadable = ContactRow.Rejection(row: card.number, reason: StaffMessage("import.card_property", ["property": property.name, "problem": why]),
                                                       fields: [String(decoding: property.line, as: UTF8.self)])
            }
            return
        }
        switch property.name {
        case "VERSION": versions.insert(VCardProperty.text(value[...]))
        case "FN": card.contact.fullName = VCardProperty.text(value[...])
        case "N":
            let parts = VCardProperty.components(value)
            func part(_ i: Int) -> String { i < parts.count ? VCardProperty.list(parts[i]).joined(separator: " ") : "" }
            card.contact.name = PersonName(family: part(0), middle: part(2), given: part(1))
            let prefix = part(3)
            if !prefix.isEmpty { card.contact.honorific = prefix }
        case "EMAIL": card.emails.append((property.rank, VCardProperty.text(value[...])))
        case "ORG":
            let unit = VCardProperty.components(value).first.map { VCardProperty.text($0) } ?? ""
            if !unit.isEmpty { card.contact.organization = unit }
        case "CATEGORIES": card.categories += VCardProperty.list(value[...])
        case "ADR":
            let parts = VCardProperty.components(value)
            func part(_ i: Int) -> String? { i < parts.count ? Optional(VCardProperty.text(parts[i])).flatMap { $0.isEmpty ? nil : $0 } : nil }
            let (city, country) = (part(3), part(6))
            if city != nil || country != nil { card.places.append((property.rank, city, country)) }
        case "LANG": card.languages.append((property.rank, VCardProperty.text(value[...])))
        default: break
        }
    }

    /// Ends a card: its preferred address, place and language first.
    private func finish(_ card: Card, into result: inout Cards) {
        if let unreadable = card.unreadable { result.rejections.append(unreadable); return }
        var contact = card.contact
        // Stable: among equal ranks the file's order stays.
        contact.emails = card.emails.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element.value)
        if let place = card.places.enumerated().min(by: { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) })?.element {
            contact.city = place.city
            contact.country = place.country
        }
        contact.language = card.languages.enumerated().min(by: { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) })?.element.value
        contact.tags = SourceContact.tags(card.categories)
        if contact.emails.allSatisfy({ SourceContact.trimmed($0).isEmpty }) {
            let who = contact.fullName ?? contact.name.fullName(language: nil, country: nil) ?? ""
            result.rejections.append(ContactRow.Rejection(
                row: card.number, reason: who.isEmpty ? StaffMessage("import.card_no_email") : StaffMessage("import.card_no_email_named", ["name": who]),
                fields: [who, contact.organization ?? ""].filter { !$0.isEmpty }))
            return
        }
        result.contacts.append((card.number, contact))
    }

    /// True when the part of `line` before its first colon asks for quoted-printable.
    static func isQuotedPrintable(_ line: [UInt8]) -> Bool {
        let word: [UInt8] = Array("QUOTED-PRINTABLE".utf8)
        var start = 0
        while start + word.count <= line.count && line[start] != 0x3A {
            var k = 0
            while k < word.count && upper(line[start + k]) == word[k] { k += 1 }
            if k == word.count { return true }
            start += 1
        }
        return false
    }

    /// An ASCII letter upper-cased; any other byte as it is.
    static func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7A ? b - 0x20 : b }

    /// The properties read, and BEGIN/END: upper-case names.
    static let keptNames: [[UInt8]] = ["BEGIN", "END", "VERSION", "FN", "N", "EMAIL", "ORG", "CATEGORIES", "ADR", "LANG"].map { Array($0.utf8) }

    /// True when the line's property name (without its group) is one of `keptNames`, case-insensitively.
    static func isKept(_ line: [UInt8]) -> Bool {
        var start = 0, end = 0
        while end < line.count && line[end] != 0x3A && line[end] != 0x3B {
            if line[end] == 0x2E { start = end + 1 }
            end += 1
        }
        guard end < line.count else { return false }
        let length = end - start
        for name in keptNames where name.count == length {
            var k = 0
            while k < length && upper(line[start + k]) == name[k] { k += 1 }
            if k == length { return true }
        }
        return false
    }
}
