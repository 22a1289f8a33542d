import Foundation
import OutreachModel
import OutreachRegister

/// One validated row of a contact file (the register's `ImportedContact`), ready to merge.
package typealias ContactRow = ImportedContact

extension ImportedContact {
    /// Why a row was not imported.
    public struct Rejection: StaffFacingError {
        public let row: Int
        public let reason: StaffMessage
        public let fields: [String]
        public var message: StaffMessage { StaffMessage("import.rejected_row", ["row": row, "reason": reason]) }
    }

    /// Readings of repeated values (kinds, countries, languages, consent words), so each distinct
    /// text is folded and looked up once per file, not once per row.
    final class Readings {
        var kinds: [String: ContactKind?] = [:]
        var countries: [String: String?] = [:]
        var languages: [String: String?] = [:]
        var consents: [String: Bool?] = [:]
        func kind(_ t: String) -> ContactKind? { if let k = kinds[t] { return k }; let k = ContactRow.kind(t); kinds[t] = k; return k }
        func country(_ t: String) -> String? { if let c = countries[t] { return c }; let c = Country.code(t); countries[t] = c; return c }
        func language(_ t: String) -> String? { if let l = languages[t] { return l }; let l = Language.tag(t); languages[t] = l; return l }
        func consent(_ t: String) -> Bool? { if let c = consents[t] { return c }; let c = ContactRow.consent(t); consents[t] = c; return c }
    }

    /// Validates the fields of one record under `mapping`.
    init(record: CSVReader.Record, mapping: ColumnMapping, headerCount: Int, readings: Readings = Readings()) throws(Rejection) {
        let f = record.fields
        var notes: [StaffMessage] = []
        /// The field's text on one line, nil when empty; a warning when that changed it.
        func value(_ field: ContactField, warn: Bool = false) -> String? {
            guard let i = mapping.column(field), i < f.count, !f[i].isEmpty else { return nil }
            let (text, changed) = ContactRow.singleLine(f[i])
            if warn && changed { notes.append(StaffMessage("import.warn_line_breaks", ["field": field.rawValue])) }
            return text.isEmpty ? nil : text
        }
        let row = record.row
        if f.count > headerCount, f[headerCount...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw Rejection(row: row, reason: StaffMessage("import.field_count", ["count": f.count, "header": headerCount]), fields: f)
        }
        for field in ContactField.allCases where field != .email {
            if let i = mapping.column(field), i < f.count {
                try FieldLimits.check(f[i], limit: FieldLimits.limit(field), name: field.rawValue, record: record)
            }
        }
        for (index, attributeName) in mapping.attributes where index < f.count {
            try FieldLimits.check(f[index], limit: FieldLimits.long, name: "attribute \"\(attributeName)\"", record: record)
        }
        let rawEmail = mapping.column(.email).flatMap { $0 < f.count ? f[$0] : nil } ?? ""
        let address: EmailAddress
        do { address = try EmailAddress(rawEmail) } catch {
            let shown = ContactRow.singleLine(rawEmail).text
            throw Rejection(row: row, reason: shown.isEmpty ? StaffMessage("import.email_empty") : StaffMessage("import.email_bad", ["text": shown, "problem": error]), fields: f)
        }
        self.init(row: row, address: address)
        name = value(.name, warn: true)
        addressedAs = value(.addressedAs, warn: true)
        honorific = value(.honorific, warn: true)
        city = value(.city, warn: true)
        organization = value(.organization, warn: true)
        evidence = value(.evidence)
        kind = nil
        if let text = value(.kind) {
            if let k = readings.kind(text) { kind = k } else { notes.append(StaffMessage("import.warn_kind", ["text": text])); kind = .other }
        }
        country = nil
        if let text = value(.country) {
            if let c = readings.country(text) { country = c } else { notes.append(StaffMessage("import.warn_country", ["text": text])) }
        }
        language = nil
        if let text = value(.language) {
            if let l = readings.language(text) { language = l } else { notes.append(StaffMessage("import.warn_language", ["text": text])) }
        }
        tags = value(.tags).map(ContactRow.tags) ?? []
        consentGiven = false
        consentStated = false
        if let text = value(.consent) {
            switch readings.consent(text) {
            case .some(true): consentGiven = true; consentStated = true
            case .some(false): consentStated = true
            case nil: notes.append(StaffMessage("import.warn_consent", ["text": text]))
            }
        }
        attributes = [:]
        for (index, attributeName) in mapping.attributes where index < f.count {
            let v = ContactRow.singleLine(f[index]).text
            if !v.isEmpty { attributes[attributeName] = v }
        }
        warnings = notes
    }

    /// The text on one line: CR, LF, tabs and other control characters become one space; trimmed; NFC.
    static func singleLine(_ text: String) -> (text: String, changed: Bool) {
        // Fast path: no control character and no lead byte of an unusual space, zero-width or
        // separator character (U+0085, U+00A0, U+00AD, U+2000–U+206F, U+3000, U+FEFF).
        var plain = true
        var first = -1, last = -1, i = 0
        for b in text.utf8 {
            if b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xE2 || b == 0xE3 || b == 0xEF { plain = false; break }
            if b != 0x20 { if first < 0 { first = i }; last = i }
            i += 1
        }
        if plain {
            if first == 0 && last == i - 1 { return (text, false) }
            if first < 0 { return ("", false) }
            let u = text.utf8
            return (String(u[u.index(u.startIndex, offsetBy: first)...u.index(u.startIndex, offsetBy: last)])!, false)
        }
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
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

    static func kind(_ text: String) -> ContactKind? {
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

extension ImportedContact {
    /// A field typed on the command line, read as a cell of a file is: one line, trimmed, NFC.
    public static func oneLine(_ text: String) -> String { singleLine(text).text }
    /// A kind as a file may write it (`overseas_vietnamese`, `kiều bào`, `foreigner`…).
    public static func kindNamed(_ text: String) -> ContactKind? { kind(text) }
    /// A country as a file may write it (`DE`, `Germany`, `Đức`…): its ISO 3166 code.
    public static func countryCode(_ text: String) -> String? { Country.code(text) }
}
