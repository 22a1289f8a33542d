import Foundation

/// One validated row of a contact file, ready to merge into the register.
public struct ContactRow: Sendable {
    public var row: Int
    public var address: EmailAddress
    public var name: String?
    public var addressedAs: String?
    public var honorific: String?
    public var kind: Contact.Kind?
    public var country: String?
    public var city: String?
    public var language: String?
    public var organization: String?
    public var tags: [String]
    public var attributes: [String: String]
    public var consentGiven: Bool
    public var evidence: String?
    public var warnings: [String]

    /// Why a row was not imported.
    public struct Rejection: Error, Sendable {
        public let row: Int
        public let reason: String
        public let fields: [String]
    }

    /// Validates the fields of one record under `mapping`.
    public init(record: CSVReader.Record, mapping: ColumnMapping, headerCount: Int) throws(Rejection) {
        let f = record.fields
        func value(_ field: ContactField) -> String? {
            guard let i = mapping.columns[field], i < f.count else { return nil }
            let v = ContactRow.singleLine(f[i]).text
            return v.isEmpty ? nil : v
        }
        row = record.row
        warnings = []
        if f.count > headerCount, f[headerCount...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw Rejection(row: row, reason: "\(f.count) fields, the header has \(headerCount)", fields: f)
        }
        let rawEmail = mapping.columns[.email].flatMap { $0 < f.count ? f[$0] : nil } ?? ""
        do { address = try EmailAddress(rawEmail) } catch {
            let shown = ContactRow.singleLine(rawEmail).text
            throw Rejection(row: row, reason: shown.isEmpty ? "email is empty" : "email \"\(shown)\" \(error)", fields: f)
        }
        for field in [ContactField.name, .addressedAs, .honorific, .city, .organization] {
            if let i = mapping.columns[field], i < f.count, ContactRow.singleLine(f[i]).changed {
                warnings.append("\(field.rawValue): line breaks or control characters replaced by a space")
            }
        }
        name = value(.name)
        addressedAs = value(.addressedAs)
        honorific = value(.honorific)
        city = value(.city)
        organization = value(.organization)
        evidence = value(.evidence)
        kind = nil
        if let text = value(.kind) {
            if let k = ContactRow.kind(text) { kind = k } else { warnings.append("kind \"\(text)\" is not known; stored as other"); kind = .other }
        }
        country = nil
        if let text = value(.country) {
            if let c = Country.code(text) { country = c } else { warnings.append("country \"\(text)\" is not an ISO 3166 code; left empty") }
        }
        language = nil
        if let text = value(.language) {
            if let l = Language.tag(text) { language = l } else { warnings.append("language \"\(text)\" is not a BCP 47 tag; left empty") }
        }
        tags = value(.tags).map(ContactRow.tags) ?? []
        consentGiven = false
        if let text = value(.consent) {
            switch ContactRow.consent(text) {
            case .some(true): consentGiven = true
            case .some(false): break
            case nil: warnings.append("consent \"\(text)\" is neither yes nor no; recorded as pending")
            }
        }
        attributes = [:]
        for (index, attributeName) in mapping.attributes where index < f.count {
            let v = ContactRow.singleLine(f[index]).text
            if !v.isEmpty { attributes[attributeName] = v }
        }
    }

    /// Folds `other` (a later row for the same address) into this one: its non-empty values win.
    mutating func merge(_ other: ContactRow) {
        name = other.name ?? name
        addressedAs = other.addressedAs ?? addressedAs
        honorific = other.honorific ?? honorific
        kind = other.kind ?? kind
        country = other.country ?? country
        city = other.city ?? city
        language = other.language ?? language
        organization = other.organization ?? organization
        for tag in other.tags where !tags.contains(tag) { tags.append(tag) }
        attributes.merge(other.attributes) { _, new in new }
        if other.consentGiven && !consentGiven { consentGiven = true; evidence = other.evidence; row = other.row }
    }

    /// The text on one line: CR, LF, tabs and other control characters become one space; trimmed; NFC.
    static func singleLine(_ text: String) -> (text: String, changed: Bool) {
        var ascii = true
        var control = false
        for b in text.utf8 {
            if b >= 0x80 { ascii = false } else if b < 0x20 || b == 0x7F { control = true }
        }
        if ascii && !control {
            let t = text.trimmingCharacters(in: .whitespaces)
            return (t, false)
        }
        var out = String.UnicodeScalarView()
        var lastWasSpace = false
        var changed = false
        for scalar in text.unicodeScalars {
            if EmailAddress.zeroWidth.contains(scalar.value) { continue }
            let cat = scalar.properties.generalCategory
            let isBreak = cat == .control || cat == .lineSeparator || cat == .paragraphSeparator
            if isBreak { changed = true }
            if isBreak || scalar.properties.isWhitespace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(scalar)
                lastWasSpace = false
            }
        }
        let t = String(out).trimmingCharacters(in: .whitespaces)
        return (ascii ? t : t.precomposedStringWithCanonicalMapping, changed)
    }

    static func tags(_ text: String) -> [String] {
        var seen: [String] = []
        for part in text.split(whereSeparator: { "|;,".contains($0) }) {
            let tag = part.trimmingCharacters(in: .whitespaces).lowercased()
            if !tag.isEmpty && !seen.contains(tag) { seen.append(tag) }
        }
        return seen
    }

    static func kind(_ text: String) -> Contact.Kind? {
        switch ColumnMapping.fold(text).replacingOccurrences(of: " ", with: "_") {
        case "overseas_vietnamese", "overseas", "kieu_bao", "viet_kieu", "nguoi_viet_nam_o_nuoc_ngoai": .overseasVietnamese
        case "foreign_resident", "foreigner", "foreign", "nguoi_nuoc_ngoai": .foreignResident
        case "partner", "doi_tac": .partner
        case "other", "khac": .other
        default: nil
        }
    }

    /// true: consent given; false: not given; nil: unreadable.
    static func consent(_ text: String) -> Bool? {
        switch ColumnMapping.fold(text) {
        case "yes", "y", "co", "true", "1", "x", "dong y", "ok", "oui", "ja": true
        case "no", "n", "khong", "false", "0", "", "non", "nein": false
        default: nil
        }
    }
}
