import Foundation

/// One check of `outreach doctor`: a name and a test that says what it found. Checks are plain
/// values in a list (`Doctor.checks`), so a room can add its own (a relay's TLS and AUTH, the
/// bounce mailbox's login) without touching the others.
struct DoctorCheck: Sendable {
    /// What is checked, in a few words ("link secret", "relay smtp://127.0.0.1:2525").
    let name: String
    let run: @Sendable () async -> Finding

    /// What a check found: ok with what it saw, or what is wrong and how to fix it.
    struct Finding: Sendable {
        let ok: Bool
        let detail: String
        let fix: String?
        static func ok(_ detail: String) -> Finding { Finding(ok: true, detail: detail, fix: nil) }
        static func wrong(_ detail: String, fix: String) -> Finding { Finding(ok: false, detail: detail, fix: fix) }
    }
}

/// One line of the report (also its JSON form).
struct DoctorLine: Encodable {
    let check: String
    let ok: Bool
    let detail: String
    let fix: String?
}

/// The configuration file's keys, read line by line (two levels, as `Config/outreach.yaml` is
/// written), to name keys this program does not know: a typo would silently leave the default.
enum ConfigKeys {
    /// Every key of DESIGN.md's configuration.
    static let known: Set<String> = [
        "database.path", "templates.path", "smtp.url", "smtp.username", "smtp.password_file", "smtp.ehlo", "smtp.timeout",
        "smtp.ca_file", "sender.from", "sender.name", "sender.reply_to", "http.bind", "http.base_url", "http.read_timeout",
        "http.idle_timeout", "http.max_connections", "links.secret_file", "links.confirm_max_age", "delivery.workers", "delivery.max_connections",
        "delivery.rate_per_second", "delivery.per_domain_per_minute", "delivery.max_age", "delivery.retry_schedule",
        "delivery.relay_cooldown", "dkim.domain", "dkim.selector", "dkim.key_file", "dkim.ed25519_selector",
        "dkim.ed25519_key_file", "bounces.address", "bounces.mailbox_url", "bounces.username", "bounces.password_file",
        "bounces.poll_interval", "bounces.handled_folder", "ui.language", "office.time_zone",
    ]

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
