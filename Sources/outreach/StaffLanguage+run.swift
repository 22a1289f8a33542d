import ArgumentParser
import Foundation
import OutreachModel

/// A help text from the staff catalog (argument-parser builds help from these at parse time,
/// after `StaffLanguage.forRun` chose the language).
func staffHelp(_ key: String) -> ArgumentHelp { ArgumentHelp(StaffText.say(key)) }

extension StaffLanguage {
    /// The language of this run, known before the arguments are parsed so that help texts and
    /// argument errors read in it: `OUTREACH_UI_LANGUAGE`, else `ui.language` in the
    /// configuration file, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`). A value that is
    /// not `vi` or `en` is left for the configuration's own check to report.
    static func forRun(arguments: [String], environment: [String: String]) -> StaffLanguage {
        if let value = environment["OUTREACH_UI_LANGUAGE"], let language = StaffLanguage(setting: value) { return language }
        var named: String?
        if let i = arguments.firstIndex(of: "--config"), i + 1 < arguments.count { named = arguments[i + 1] }
        if let a = arguments.first(where: { $0.hasPrefix("--config=") }) { named = String(a.dropFirst("--config=".count)) }
        if let file = try? Settings.configFile(path: named, environment: environment),
           let text = try? String(contentsOfFile: file, encoding: .utf8),
           let value = ConfigKeys.read(text).first(where: { $0.key == "ui.language" })?.value,
           let language = StaffLanguage(setting: value) {
            return language
        }
        return fromLocale(environment)
    }
}
