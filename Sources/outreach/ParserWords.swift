import ArgumentParser
import Foundation
import OutreachModel

/// argument-parser's own words (section titles, the `--help`/`--version` lines, its parse
/// errors) said in the staff's language: the help and error texts it renders are English in
/// its sources, so each of its fixed phrases is replaced by the catalog's before printing.
/// Completion scripts, completion answers and the help dump are printed untouched.
enum ParserWords {
    /// Phrases of argument-parser (as it writes them) and the catalog key of each.
    static let phrases: [(english: String, key: String)] = [
        ("OVERVIEW: ", "parser.overview"),
        ("USAGE: ", "parser.usage"),
        ("ARGUMENTS:", "parser.arguments"),
        ("OPTIONS:", "parser.options"),
        ("SUBCOMMANDS:", "parser.subcommands"),
        ("Show help information.", "parser.help"),
        ("Show the version.", "parser.version"),
        ("(default:", "parser.default"),
        ("; default:", "parser.default_after"),
        ("(values:", "parser.values"),
        ("Error: ", "parser.error"),
        ("Help:  ", "parser.help_line"),
        ("Usage: ", "parser.usage_line"),
        ("Missing expected argument ", "parser.missing_argument"),
        ("Missing value for ", "parser.missing_value"),
        ("Unknown option ", "parser.unknown_option"),
        ("Unexpected argument ", "parser.unexpected_argument"),
        ("Unexpected extra arguments ", "parser.unexpected_arguments"),
        (" is invalid for ", "parser.invalid_for"),
        ("Please provide one of ", "parser.provide_one_of"),
        ("The value ", "parser.the_value"),
        ("' or '", "parser.or"),
    ]

    /// "See 'outreach help campaign <subcommand>' for detailed help." and
    /// "See 'outreach campaign launch --help' for more information.": a command name inside.
    static let sentences: [(pattern: String, key: String)] = [
        (#"See '([^']*) <subcommand>' for detailed help\."#, "parser.see_subcommand"),
        (#"See '([^']*)' for more information\."#, "parser.see_more"),
    ]

    /// `text` with argument-parser's phrases in `language`.
    static func translated(_ text: String, in language: StaffLanguage) -> String {
        guard language != .en else { return text }
        var text = text
        for (pattern, key) in sentences {
            guard let regex = try? Regex(pattern, as: (Substring, Substring).self) else { continue }
            text = text.replacing(regex) { match in StaffText.say(key, in: language, ["command": String(match.output.1)]) }
        }
        for (english, key) in phrases { text = text.replacingOccurrences(of: english, with: StaffText.say(key, in: language)) }
        return text
    }

    /// What `ParsableCommand.exit(withError:)` does, with the message in the staff's language.
    static func exit(withError error: Error?, arguments: [String]) -> Never {
        // What other programs read stays as argument-parser wrote it: completion scripts and
        // answers, and the JSON of --experimental-dump-help (generate-manual reads it).
        let untouched = arguments.first == "---completion"
            || arguments.contains { $0 == "--experimental-dump-help" || $0.hasPrefix("--generate-completion-script") }
        guard let error, !untouched else { Outreach.exit(withError: error) }
        let code = Outreach.exitCode(for: error)
        let text = translated(Outreach.fullMessage(for: error), in: StaffText.language)
        if !text.isEmpty {
            let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
            stream.write(Data((text + "\n").utf8))
        }
        Foundation.exit(code.rawValue)
    }
}
