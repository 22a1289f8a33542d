import Foundation
import Synchronization

/// Every word the program says to staff, from one catalog per language (`StaffText.en`,
/// `StaffText.vi`: key → text). Keys are stable (`campaign.unknown`); a text names its arguments
/// in braces (`no campaign "{slug}"`), and `{n|one|other}` picks a word by whether `n` is 1
/// (English plurals; Vietnamese has none and writes the word once).
///
/// Adding a message is one line in each table; `StaffTextTests` fails when a key or an argument
/// is in one language and not the other.
public enum StaffText {
    private static let chosen = Mutex(StaffLanguage.fromLocale(ProcessInfo.processInfo.environment))

    /// The language messages are said in: from the locale until the program knows `ui.language`.
    public static var language: StaffLanguage {
        get { chosen.withLock { $0 } }
        set { chosen.withLock { $0 = newValue } }
    }

    /// The catalog of one language.
    public static func table(_ language: StaffLanguage) -> [String: String] {
        switch language {
        case .en: en
        case .vi: vi
        }
    }

    /// The message `key` in the staff's language with its arguments filled in.
    public static func say(_ key: String, _ arguments: KeyValuePairs<String, any Sendable> = [:]) -> String {
        say(key, in: language, arguments)
    }

    /// The message `key` in `language`. A key missing there falls back to English, then to the
    /// key itself in brackets (the catalog test keeps that from shipping).
    public static func say(_ key: String, in language: StaffLanguage, _ arguments: KeyValuePairs<String, any Sendable> = [:]) -> String {
        StaffMessage(key, arguments).text(in: language)
    }

    /// `template` with each `{name}` replaced by its value and each `{name|one|other}` by the
    /// word for that count.
    static func fill(_ template: String, _ values: [String: String]) -> String {
        guard template.contains("{") else { return template }
        var out = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let parts = rest[rest.index(after: open)..<close].split(separator: "|", omittingEmptySubsequences: false)
            let value = values[String(parts[0])] ?? "{\(parts[0])}"
            out += parts.count == 3 ? (value == "1" ? parts[1] : parts[2]) : value[...]
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The argument names a text uses (`{slug}`, `{n|…}` → slug, n).
    public static func argumentNames(in template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close].split(separator: "|", omittingEmptySubsequences: false)[0]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}

extension StaffText {
    /// The parts of one language's catalog as one table; a key in two parts is a programming error.
    static func merged(_ parts: [[String: String]]) -> [String: String] {
        parts.reduce(into: [:]) { table, part in
            table.merge(part) { _, _ in preconditionFailure("a key in two parts of the staff catalog") }
        }
    }
}
