import OutreachModel

/// What staff read about a field too long to import (issue 22, point 13), in both languages.
enum FieldLimitTexts {
    /// A row's field (named as the user knows it: `name`, `attribute "note"`) is longer than its cap.
    static func tooLong(field: String, length: Int, limit: Int) -> StaffText {
        StaffText(en: "\(field) is \(length) characters long; at most \(limit) are kept",
                  vi: "\(field) dài \(length) ký tự; chỉ được tối đa \(limit) ký tự")
    }
}
