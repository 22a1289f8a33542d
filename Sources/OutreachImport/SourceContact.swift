import OutreachModel
import OutreachRegister
/// One person as a recognized export (Google Contacts, Outlook) or a vCard gives them, before
/// validation. It becomes a record under `header`, so that `ContactRow` validates it exactly as
/// it validates a row of any CSV file.
struct SourceContact {
    /// Addresses, the person's own (preferred) first.
    var emails: [String] = []
    /// A whole-name field (`Name`, `File As`, `FN`); it wins over `name` when present.
    var fullName: String?
    var name = PersonName()
    var honorific: String?
    var organization: String?
    var city: String?
    var country: String?
    var language: String?
    var tags: [String] = []

    /// The columns of the records made from source contacts; `ColumnMapping` knows each of them.
    /// The last one is not a field: the addresses after the first are kept as an attribute.
    static let header = ["email", "name", "honorific", "organization", "city", "country", "language", "tags", "other emails"]

    /// The record the CSV path would have read for this person, numbered `row`, followed by
    /// `extra` fields (the export's other columns). `moreThanOneAddress` is true when the person
    /// has several different addresses: the first is theirs, the others go to "other emails".
    func record(row: Int, extra: [String] = [], readings: Readings) -> (record: CSVReader.Record, moreThanOneAddress: Bool) {
        var addresses: [String] = []
        var seen: Set<String> = []
        for email in emails {
            let trimmed = SourceContact.trimmed(email)
            if !trimmed.isEmpty && seen.insert(trimmed.lowercased()).inserted { addresses.append(trimmed) }
        }
        // An address book may hold an entry that is no address (an Exchange name, a note):
        // the first that has an @ is the person's, if any has one.
        if let first = addresses.firstIndex(where: { $0.contains("@") }), first > 0 { addresses.insert(addresses.remove(at: first), at: 0) }
        let whole = fullName.map(SourceContact.trimmed)
        let composed = (whole?.isEmpty == false ? whole : nil)
            ?? name.fullName(language: language.flatMap(readings.language), country: country.flatMap(readings.country))
        var fields = [
            addresses.first ?? "", composed ?? "", honorific ?? "", organization ?? "", city ?? "", country ?? "",
            language ?? "", tags.joined(separator: "|"), addresses.dropFirst().joined(separator: ", "),
        ]
        fields += extra
        return (CSVReader.Record(row: row, fields: fields), addresses.count > 1)
    }

    /// Readings of languages and countries, cached per file (the name's culture depends on them).
    final class Readings {
        private var languages: [String: String?] = [:]
        private var countries: [String: String?] = [:]

        func language(_ text: String) -> String? {
            if let known = languages[text] { return known }
            let tag = Language.tag(text)
            languages[text] = .some(tag)
            return tag
        }

        func country(_ text: String) -> String? {
            if let known = countries[text] { return known }
            let code = Country.code(text)
            countries[text] = .some(code)
            return code
        }
    }

    /// Labels or categories as tags: Google's ` ::: ` separator split, its system group
    /// `myContacts` (every contact is in it) dropped, the `* ` of its other system groups removed.
    static func tags(_ labels: [String]) -> [String] {
        var tags: [String] = []
        for label in labels {
            for piece in label.split(separator: ":::", omittingEmptySubsequences: false) {
                var tag = SourceContact.trimmed(piece)
                if tag.hasPrefix("*") { tag = SourceContact.trimmed(tag.dropFirst()) }
                if tag.isEmpty || SourceContact.isMyContacts(tag) { continue }
                if !tags.contains(tag) { tags.append(tag) }
            }
        }
        return tags
    }

    /// Google's group of all contacts, `myContacts` or `My Contacts`, in any case.
    static func isMyContacts(_ tag: String) -> Bool {
        let letters = tag.utf8.filter { $0 != 0x20 }
        return letters.count == 10 && letters.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }.elementsEqual("mycontacts".utf8)
    }

    /// The text without leading and trailing spaces and tabs (other spaces are `ContactRow`'s to handle).
    static func trimmed(_ text: some StringProtocol) -> String {
        let whole = Substring(text)
        let bytes = whole.utf8
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let last = bytes.lastIndex { $0 != 0x20 && $0 != 0x09 }!
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
