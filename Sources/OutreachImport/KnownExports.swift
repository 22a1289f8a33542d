import OutreachModel
import OutreachRegister
/// The contact exports of the programs staff keep their address books in, recognized by their
/// header row so that no `--map` is needed.
public enum ContactExport: String, Sendable, CaseIterable {
    /// Google Contacts' "Google CSV" of today (`First Name`, `Labels`, `E-mail 1 - Value`…).
    case googleContacts = "Google Contacts export"
    /// The older Google CSV (`Name`, `Given Name`, `Family Name`, `Group Membership`, `E-mail 1 - Value`…).
    case olderGoogleContacts = "Google Contacts export (older)"
    /// Outlook's CSV (`First Name`, `Middle Name`, `Last Name`, `E-mail Address`, `Categories`…).
    case outlook = "Outlook export"
}

/// Which columns of a recognized export make up one contact: name parts, the addresses in
/// order, the postal addresses (city and country kept together), labels or categories.
/// Every other column stays as it is and is read like a column of any CSV file.
struct KnownExport {
    let format: ContactExport
    private(set) var fullName: [Int] = []
    private(set) var given: Int?
    private(set) var middle: Int?
    private(set) var family: Int?
    private(set) var honorific: Int?
    private(set) var organization: Int?
    private(set) var language: Int?
    /// Address columns in the export's order, each with the column labelling it (Google marks the
    /// person's primary address with a leading `*`).
    private(set) var emails: [(value: Int, label: Int?)] = []
    /// Postal addresses in order of preference (Outlook: home, business, other).
    private(set) var places: [(city: Int?, country: Int?)] = []
    private(set) var tags: [Int] = []
    /// Columns of the fields below that the export itself does not have but the file does
    /// (a hand-made file with Outlook's headers and a "Country" column): used when the export's
    /// own columns are empty.
    private(set) var fallbacks: [(field: ContactField, column: Int)] = []
    /// The fields `SourceContact.header` fills.
    static let fieldsRead: Set<ContactField> = [.email, .name, .honorific, .organization, .city, .country, .language, .tags]
    /// The columns read into the contact's fields; the others are passed on as they are.
    private(set) var consumed: Set<Int> = []
    /// The file's header names of the columns passed on.
    let otherHeaders: [String]
    let otherColumns: [Int]
    /// The folded header names of the consumed columns.
    private let consumedHeaders: Set<String>

    /// Recognizes `headers` as one of the known exports, or returns nil.
    init?(headers: [String]) {
        let folded = headers.map(ColumnMapping.fold)
        let has = Set(folded)
        if has.contains("e mail 1 value") {
            format = has.contains("given name") || has.contains("family name") || has.contains("group membership")
                ? .olderGoogleContacts : .googleContacts
        } else if has.contains("e mail address") && (has.contains("first name") || has.contains("last name"))
            && !has.isDisjoint(with: KnownExport.outlookMarks) {
            format = .outlook
        } else {
            return nil
        }
        var emailSlots: [Int: (value: Int?, label: Int?)] = [:]
        var placeSlots: [String: (city: Int?, country: Int?)] = [:]
        for (index, header) in folded.enumerated() {
            let words = header.split(separator: " ").map(String.init)
            var take = true
            switch header {
            case "name", "file as": fullName.append(index)
            case "first name", "given name": given = index
            case "middle name", "additional name": middle = index
            case "last name", "family name": family = index
            case "name prefix", "title": honorific = index
            case "organization name", "organization 1 name", "company": organization = index
            case "language": language = index
            case "labels", "group membership", "categories": tags.append(index)
            default:
                if words.starts(with: ["e", "mail"]) {
                    // Google: E-mail N - Value / Label / Type. Outlook: E-mail [N] Address / Type / Display Name.
                    let slot = words.count > 2 ? Int(words[2]) : nil
                    let rest = words.dropFirst(slot == nil ? 2 : 3)
                    switch Array(rest) {
                    case ["value"], ["address"]: emailSlots[slot ?? 1, default: (nil, nil)].value = index
                    case ["label"], ["type"]: emailSlots[slot ?? 1, default: (nil, nil)].label = index
                    case ["display", "name"]: break
                    default: take = false
                    }
                } else if let place = KnownExport.place(words) {
                    if place.isCity { placeSlots[place.key, default: (nil, nil)].city = index }
                    else { placeSlots[place.key, default: (nil, nil)].country = index }
                } else if let field = ColumnMapping.synonyms[header], KnownExport.fieldsRead.contains(field) {
                    fallbacks.append((field, index))  // e.g. a "Country" column added by hand
                } else {
                    take = false
                }
            }
            if take { consumed.insert(index) }
        }
        emails = emailSlots.keys.sorted().compactMap { slot in emailSlots[slot]!.value.map { (value: $0, label: emailSlots[slot]!.label) } }
        places = placeSlots.keys.sorted { KnownExport.placeOrder($0) < KnownExport.placeOrder($1) }.map { placeSlots[$0]! }
        let taken = consumed
        let others = headers.indices.filter { !taken.contains($0) }
        otherColumns = others
        otherHeaders = others.map { headers[$0] }
        consumedHeaders = Set(taken.map { folded[$0] })
    }

    /// Headers only Outlook's export has next to `E-mail Address` and the name parts.
    static let outlookMarks: Set<String> = [
        "middle name", "company", "categories", "e mail 2 address", "e mail display name",
        "home city", "home country region", "business city", "business country region", "home country", "business country",
    ]

    /// `address 2 city` → ("2", city); `home country region` → ("home", country).
    static func place(_ words: [String]) -> (key: String, isCity: Bool)? {
        guard let last = words.last else { return nil }
        var body = words
        if last == "region" && words.dropLast().last == "country" { body.removeLast() }
        guard let field = body.last, field == "city" || field == "country", body.count >= 2 else { return nil }
        let key = body.dropLast().joined(separator: " ")
        let known = ["home", "business", "other"].contains(key) || (body.count == 3 && body[0] == "address" && Int(body[1]) != nil)
        return known ? (key, field == "city") : nil
    }

    /// Home before business before other (Outlook); address 1 before address 2 (Google).
    static func placeOrder(_ key: String) -> Int {
        switch key {
        case "home": 0
        case "business": 1
        case "other": 2
        default: 10 + (Int(key.split(separator: " ").last ?? "") ?? 0)
        }
    }

    /// True when a `--map` option names a column this recognition would read: then staff have
    /// taken the file in hand and it is read as a plain CSV file.
    func isOverridden(by options: [String]) -> Bool {
        options.contains { option in
            guard let eq = option.lastIndex(of: "=") else { return false }
            let header = ColumnMapping.fold(String(option[..<eq]))
            return consumedHeaders.contains(header)
        }
    }

    /// The contact one record of the export describes.
    func contact(_ fields: [String]) -> SourceContact {
        func cell(_ index: Int?) -> String? {
            guard let index, index < fields.count else { return nil }
            let first = KnownExport.firstValue(fields[index])
            return first.isEmpty ? nil : first
        }
        var contact = SourceContact()
        contact.fullName = fullName.lazy.compactMap { cell($0) }.first
        contact.name = PersonName(family: cell(family) ?? "", middle: cell(middle) ?? "", given: cell(given) ?? "")
        contact.honorific = cell(honorific)
        contact.organization = cell(organization)
        contact.language = cell(language)
        var primary: [String] = [], others: [String] = []
        for (value, label) in emails where value < fields.count {
            let values = fields[value].split(separator: ":::", omittingEmptySubsequences: false).map(SourceContact.trimmed)
            let isPrimary = label.map { $0 < fields.count && SourceContact.trimmed(fields[$0]).hasPrefix("*") } ?? false
            if isPrimary { primary += values } else { others += values }
        }
        contact.emails = primary + others
        if let place = places.first(where: { cell($0.city) != nil || cell($0.country) != nil }) {
            contact.city = cell(place.city)
            contact.country = cell(place.country)
        }
        contact.tags = SourceContact.tags(tags.compactMap { $0 < fields.count ? fields[$0] : nil })
        for (field, column) in fallbacks {
            guard let value = cell(column) else { continue }
            switch field {
            case .email: contact.emails.append(value)
            case .name: contact.fullName = contact.fullName ?? value
            case .honorific: contact.honorific = contact.honorific ?? value
            case .organization: contact.organization = contact.organization ?? value
            case .city: contact.city = contact.city ?? value
            case .country: contact.country = contact.country ?? value
            case .language: contact.language = contact.language ?? value
            case .tags:
                let known = contact.tags
                contact.tags += SourceContact.tags([value]).filter { !known.contains($0) }
            default: break
            }
        }
        return contact
    }

    /// Google writes several values of one kind into one cell, separated by ` ::: `.
    static func firstValue(_ cell: String) -> String {
        guard let range = cell.firstRange(of: ":::") else { return SourceContact.trimmed(cell) }
        return SourceContact.trimmed(cell[..<range.lowerBound])
    }
}
