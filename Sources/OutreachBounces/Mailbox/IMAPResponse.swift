import Foundation

/// What Outreach reads from the server's untagged (`*`) and tagged answer lines.
enum IMAPResponse {
    /// The lines of `bytes` (CRLF or LF), without their line ends.
    static func lines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline)
    }

    /// From the answer to SELECT: `* OK [UIDVALIDITY n]`, `* n EXISTS`, `* OK [UIDNEXT n]`.
    static func selected(_ lines: [Substring]) -> (uidValidity: UInt32, messages: Int, uidNext: UInt32?)? {
        var uidValidity: UInt32?, messages: Int?, uidNext: UInt32?
        for line in lines {
            let words = line.split(separator: " ")
            guard words.first == "*", words.count >= 3 else { continue }
            if words[2].uppercased() == "EXISTS", let n = Int(words[1]) { messages = n }
            if words[1].uppercased() == "OK" {
                let code = words[2].uppercased()
                let value = words.count > 3 ? UInt32(words[3].prefix { $0 != "]" }) : nil
                if code == "[UIDVALIDITY" { uidValidity = value }
                if code == "[UIDNEXT" { uidNext = value }
            }
        }
        guard let uidValidity, let messages else { return nil }
        return (uidValidity, messages, uidNext)
    }

    /// The numbers of every `* SEARCH …` line.
    static func search(_ lines: [Substring]) -> [UInt32] {
        lines.flatMap { line -> [UInt32] in
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "*", words[1].uppercased() == "SEARCH" else { return [] }
            return words.dropFirst(2).compactMap { UInt32($0) }
        }
    }

    /// The items of `* STATUS folder (MESSAGES n UIDVALIDITY n …)`, by name in capitals.
    static func status(_ lines: [Substring]) -> [String: UInt32] {
        for line in lines where line.hasPrefix("* STATUS ") || line.hasPrefix("* status ") {
            guard let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { continue }
            let words = line[line.index(after: open)..<close].split(separator: " ")
            var items: [String: UInt32] = [:]
            for pair in stride(from: 0, to: words.count - 1, by: 2) {
                if let value = UInt32(words[pair + 1]) { items[words[pair].uppercased()] = value }
            }
            return items
        }
        return [:]
    }

    /// The capabilities of `* CAPABILITY …`, in capitals.
    static func capabilities(_ lines: [Substring]) -> Set<String> {
        var names: Set<String> = []
        for line in lines {
            let words = line.split(separator: " ")
            if words.count >= 2, words[0] == "*", words[1].uppercased() == "CAPABILITY" {
                names.formUnion(words.dropFirst(2).map { $0.uppercased() })
            }
        }
        return names
    }

    /// The server's words in a tagged NO or BAD (`A004 NO [TRYCREATE] Mailbox doesn't exist: X (0.001 + 0.000 secs).`),
    /// without Dovecot's timings; nil for any other line.
    static func refusal(_ line: Substring) -> String? {
        let words = line.split(separator: " ", maxSplits: 2)
        guard words.count == 3, words[0] != "*", words[0] != "+", ["NO", "BAD"].contains(words[1].uppercased()) else { return nil }
        var text = line.trimmingCharacters(in: .whitespaces)
        text = String(text.dropFirst(words[0].count + 1))
        if let timing = text.range(of: #" \(\d+\.\d+ \+ \d+\.\d+( \+ \d+\.\d+)? secs\)"#, options: .regularExpression) {
            text.removeSubrange(timing)
        }
        return text
    }

    /// An IMAP sequence set for `uids` (RFC 3501 §9): runs of consecutive UIDs as `a:b`, the rest
    /// comma-separated, ascending (`1:3,7,9:10`).
    static func sequenceSet(_ uids: [UInt32]) -> String {
        var parts: [String] = []
        var run: (start: UInt32, end: UInt32)?
        for uid in Set(uids).sorted() {
            if let r = run, uid == r.end + 1 { run = (r.start, uid); continue }
            if let r = run { parts.append(r.start == r.end ? "\(r.start)" : "\(r.start):\(r.end)") }
            run = (uid, uid)
        }
        if let r = run { parts.append(r.start == r.end ? "\(r.start)" : "\(r.start):\(r.end)") }
        return parts.joined(separator: ",")
    }
}
