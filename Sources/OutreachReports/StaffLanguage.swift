import Foundation

/// The language staff read (Vietnamese or English): `ui.language` when the configuration
/// catalog gives it (`OUTREACH_UI_LANGUAGE`), else `LC_ALL`/`LANG` (`vi*` → Vietnamese).
public enum StaffLanguage: String, Sendable, CaseIterable {
    case vi, en

    public static func current(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> StaffLanguage {
        if let named = environment["OUTREACH_UI_LANGUAGE"].flatMap(StaffLanguage.init(rawValue:)) { return named }
        let locale = environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
        return locale.lowercased().hasPrefix("vi") ? .vi : .en
    }
}

/// Text put into HTML or SVG: `<`, `>`, `&` and quotes escaped, control characters dropped.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "&": out += "&amp;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            if scalar.properties.generalCategory == .control && scalar != "\n" { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
