import OutreachModel

/// How long a field of a contact file may be, in characters: a name longer than a person's is not
/// a name, and a 50 MB cell would otherwise travel into every message to that person. A row with
/// a longer field is rejected, naming the field; nothing of it is stored.
public enum FieldLimits {
    /// Names, the salutation fields, city, organization, and the short codes (kind, country, language, consent).
    public static let short = 256
    /// Tags, the consent evidence, and each attribute (a column the importer keeps as it is).
    public static let long = 2000
    /// How much of an over-long field a rejection quotes.
    static let quoted = 80

    /// The limit of `field`.
    static func limit(_ field: ContactField) -> Int {
        switch field {
        case .tags, .evidence: long
        default: short
        }
    }

    /// The rejection of a row whose field (named `name` as the user knows it) holds `text`, if it is too long.
    static func check(_ text: String, limit: Int, name: String, record: CSVReader.Record) throws(ContactRow.Rejection) {
        // Characters never outnumber UTF-8 bytes: only a long field is counted.
        guard text.utf8.count > limit else { return }
        let length = text.count
        guard length > limit else { return }
        throw ContactRow.Rejection(row: record.row, reason: StaffMessage("import.field_too_long", ["field": name, "length": length, "limit": limit]),
                                   fields: record.fields.map { $0.count > quoted ? String($0.prefix(quoted)) + "…" : $0 })
    }
}
