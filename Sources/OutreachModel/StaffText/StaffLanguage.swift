import Foundation

/// The language staff read the program in (`ui.language`): Vietnamese or English.
public enum StaffLanguage: String, Sendable, CaseIterable {
    case vi, en

    /// `vi`/`en` as written in `ui.language` (any case, `vi-VN` too); nil for anything else.
    public init?(setting text: String) {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "vi" || t.hasPrefix("vi-") || t.hasPrefix("vi_") { self = .vi }
        else if t == "en" || t.hasPrefix("en-") || t.hasPrefix("en_") { self = .en }
        else { return nil }
    }

    /// The language the locale variables ask for, in POSIX order (`LC_ALL`, `LC_MESSAGES`, `LANG`;
    /// the first that is set decides): `vi*` is Vietnamese, anything else English.
    public static func fromLocale(_ environment: [String: String]) -> StaffLanguage {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty { return value.lowercased().hasPrefix("vi") ? .vi : .en }
        }
        return .en
    }
}
