import Foundation
import OutreachModel

/// A field of the register that a column of a contact file can fill.
public enum ContactField: String, Sendable, CaseIterable {
    case email, name, addressedAs = "addressed_as", honorific, kind, country, city, language
    case organization, tags, consent, evidence

    /// The field's place in `allCases`, for array lookups on the per-row path (a switch: the
    /// synthesized `allCases` is a new array at every call; a test holds the two together).
    var ordinal: Int {
        switch self {
        case .email: 0
        case .name: 1
        case .addressedAs: 2
        case .honorific: 3
        case .kind: 4
        case .country: 5
        case .city: 6
        case .language: 7
        case .organization: 8
        case .tags: 9
        case .consent: 10
        case .evidence: 11
        }
    }
}

/// Which column of a file fills which field; columns that match no field become attributes.
public struct ColumnMapping: Sendable {
    public enum Failure: StaffFacingError {
        case noEmailColumn(headers: [String])
        case twoColumnsForOneField(ContactField, String, String)
        case badMapOption(String)
        case unknownField(String, option: String)
        case mappedHeaderMissing(String)
        public var message: StaffMessage {
            switch self {
            case .noEmailColumn(let headers):
                StaffMessage("import.no_email_column", ["headers": headers.map { "\"\($0)\"" }.joined(separator: ", ")])
            case .twoColumnsForOneField(let field, let a, let b):
                StaffMessage("import.two_columns", ["first": a, "second": b, "field": field.rawValue])
            case .badMapOption(let option): StaffMessage("import.bad_map", ["option": option])
            case .unknownField(let field, let option):
                StaffMessage("import.unknown_field", ["option": option, "field": field, "fields": ContactField.allCases.map(\.rawValue).joined(separator: ", ")])
            case .mappedHeaderMissing(let header): StaffMessage("import.mapped_header_missing", ["header": header])
            }
        }
    }

    /// Column index for each mapped field.
    public let columns: [ContactField: Int]
    /// The same, as an array indexed by `ContactField.ordinal` (-1: not mapped): no hashing per row.
    let columnByOrdinal: [Int]
    /// Columns kept as attributes, with the header text as the attribute name.
    public let attributes: [(index: Int, name: String)]

    /// Matches `headers` (case- and accent-insensitive, English and Vietnamese) and applies `--map`
    /// options of the form `Header=field` (field `ignore` drops the column).
    public init(headers: [String], overrides: [String] = []) throws(Failure) {
        var explicit: [String: ContactField?] = [:]
        for option in overrides {
            guard let eq = option.lastIndex(of: "="), eq != option.startIndex else { throw .badMapOption(option) }
            let header = ColumnMapping.fold(String(option[..<eq]))
            let fieldName = ColumnMapping.fold(String(option[option.index(after: eq)...])).replacingOccurrences(of: " ", with: "_")
            if fieldName == "ignore" || fieldName == "-" { explicit[header] = .some(nil); continue }
            guard let field = ContactField(rawValue: fieldName) else { throw .unknownField(fieldName, option: option) }
            explicit[header] = field
        }
        let folded = headers.map(ColumnMapping.fold)
        for header in explicit.keys where !folded.contains(header) {
            throw .mappedHeaderMissing(overrides.first { ColumnMapping.fold(String($0[..<$0.lastIndex(of: "=")!])) == header } ?? header)
        }
        var columns: [ContactField: Int] = [:]
        var attributes: [(Int, String)] = []
        for (index, key) in folded.enumerated() {
            let field: ContactField?
            if let chosen = explicit[key] { field = chosen } else if let known = ColumnMapping.synonyms[key] { field = known } else {
                let name = headers[index].trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { attributes.append((index, name)) }
                continue
            }
            guard let field else { continue }
            if let other = columns[field] { throw .twoColumnsForOneField(field, headers[other], headers[index]) }
            columns[field] = index
        }
        guard columns[.email] != nil else { throw .noEmailColumn(headers: headers) }
        self.columns = columns
        self.columnByOrdinal = ContactField.allCases.map { columns[$0] ?? -1 }
        self.attributes = attributes
    }

    /// The column index of `field`, if the file has one.
    func column(_ field: ContactField) -> Int? {
        let index = columnByOrdinal[field.ordinal]
        return index < 0 ? nil : index
    }

    /// Lower-case, accents and đ removed, `_ - .` as spaces, spaces collapsed (`Folding.key`).
    public static func fold(_ text: String) -> String { Folding.key(text) }

    static let synonyms: [String: ContactField] = {
        let table: [ContactField: [String]] = [
            .email: ["email", "e mail", "email address", "e mail address", "mail", "thu dien tu", "dia chi email",
                     "dia chi e mail", "dia chi thu dien tu", "hop thu"],
            .name: ["name", "full name", "ho va ten", "ho ten", "ten day du", "contact name"],
            .addressedAs: ["addressed as", "preferred name", "ten goi", "ten xung ho", "goi la"],
            .honorific: ["honorific", "salutation", "danh xung", "xung ho", "courtesy title"],
            .kind: ["kind", "group", "doi tuong", "nhom", "category", "loai"],
            .country: ["country", "quoc gia", "nuoc", "country code"],
            .city: ["city", "thanh pho", "tinh thanh pho", "tinh thanh", "noi o"],
            .language: ["language", "ngon ngu", "lang", "preferred language"],
            .consent: ["consent", "dong y nhan thu", "dong y", "dong y nhan thu moi", "opt in"],
            .evidence: ["consent source", "nguon dong y", "evidence", "consent evidence"],
            .organization: ["organization", "organisation", "co quan", "don vi", "to chuc", "company"],
            .tags: ["tags", "tag", "nhan", "the"],
        ]
        var map: [String: ContactField] = [:]
        for (field, names) in table { for name in names { map[name] = field } }
        return map
    }()
}
