import Foundation
import OutreachModel

/// The configuration's keys: the known ones, the file's read line by line (two levels, as
/// `Config/outreach.yaml` is written), and the `OUTREACH_*` variables. A typo would silently
/// leave the default (every link pointing at localhost), so every command refuses a key or a
/// variable it does not know, naming the nearest known one.
enum ConfigKeys {
    /// Every key of DESIGN.md's configuration.
    static let known: Set<String> = [
        "database.path", "templates.path", "smtp.url", "smtp.username", "smtp.password_file", "smtp.ehlo", "smtp.timeout",
        "smtp.ca_file", "sender.from", "sender.name", "sender.reply_to", "http.bind", "http.base_url", "http.read_timeout",
        "http.idle_timeout", "http.max_connections", "links.secret_file", "links.confirm_max_age", "delivery.workers", "delivery.max_connections",
        "delivery.rate_per_second", "delivery.per_domain_per_minute", "delivery.max_age", "delivery.retry_schedule",
        "delivery.relay_cooldown", "dkim.domain", "dkim.selector", "dkim.key_file", "dkim.ed25519_selector",
        "dkim.ed25519_key_file", "bounces.address", "bounces.mailbox_url", "bounces.username", "bounces.password_file",
        "bounces.poll_interval", "bounces.handled_folder", "campaigns.require_approval", "ui.language", "office.time_zone",
        "staff.bind", "staff.password_file", "signup.difficulty", "signup.per_ip_per_hour", "waitlist.offer_hours",
    ]

    /// Sections whose keys are free (a map of names: `topics.tet.vi`).
    static let openSections: Set<String> = ["topics"]

    /// `OUTREACH_*` variables that are not keys: the file to read, and the test and build harness's own.
    static let otherVariables: Set<String> = [
        "OUTREACH_CONFIG", "OUTREACH_SMTP_PASSWORD", "OUTREACH_BOUNCES_PASSWORD", "OUTREACH_BIN", "OUTREACH_UPDATE_GOLDEN",
        "OUTREACH_CSQLITE_SHIM_H", "OUTREACH_CCURL_SHIM_H",
    ]

    /// `smtp.url` → `OUTREACH_SMTP_URL`.
    static func variable(_ key: String) -> String { "OUTREACH_" + key.uppercased().replacingOccurrences(of: ".", with: "_") }

    static func isKnown(_ key: String) -> Bool {
        known.contains(key) || openSections.contains(where: { key == $0 || key.hasPrefix($0 + ".") })
    }

    /// The first unknown key of the file's `text`, or unknown `OUTREACH_*` variable of
    /// `environment`, as the error every command stops with.
    static func check(fileText text: String?, file: String?, environment: [String: String]) -> Settings.Failure? {
        if let text, let file {
            // A secret written in the file is refused by `Settings.load` with what to do instead.
            for entry in read(text) where !isKnown(entry.key) && !["smtp.password", "bounces.password"].contains(entry.key)
                && !(entry.value.isEmpty && known.contains { $0.hasPrefix(entry.key + ".") }) {
                return Settings.Failure(key: entry.key, problem: StaffMessage("settings.unknown_key", ["file": file, "line": entry.line, "nearest": nearest(entry.key, in: known)]))
            }
        }
        let variables = Set(known.map(variable)).union(otherVariables)
        for name in environment.keys.sorted() where name.hasPrefix("OUTREACH_") && !variables.contains(name)
            && !openSections.contains(where: { name.hasPrefix(variable($0) + "_") }) {
            return Settings.Failure(key: name, problem: StaffMessage("settings.unknown_variable", ["nearest": nearest(name, in: variables)]))
        }
        return nil
    }

    /// The candidate closest to `word` by edit distance (ties: the first in order).
    static func nearest(_ word: String, in candidates: Set<String>) -> String {
        candidates.sorted().min { distance(word, $0) < distance(word, $1) } ?? ""
    }

    /// Levenshtein distance, case-insensitive.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        guard !x.isEmpty else { return y.count }
        guard !y.isEmpty else { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var row = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[y.count]
    }

    /// `section.key` → value (unquoted) of a two-level YAML mapping; comments and blank lines skipped.
    static func read(_ text: String) -> [(key: String, value: String, line: Int)] {
        var out: [(String, String, Int)] = []
        var section = ""
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = Substring(raw)
            if line.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
            if let comment = line.range(of: " #") { line = line[..<comment.lowerBound] }
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty, let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.first == "\"" || value.first == "'", value.last == value.first { value = String(value.dropFirst().dropLast()) }
            if line.first?.isWhitespace == false {
                section = key
                if !value.isEmpty { out.append((key, value, i + 1)) }
            } else {
                out.append(("\(section).\(key)", value, i + 1))
            }
        }
        return out
    }
}
