import Foundation

/// What makes a message an automatic reply. Any one of these counts:
/// - `Auto-Submitted` with a value other than "no" (RFC 3834 §5);
/// - `X-Autoreply`, `X-Autorespond` or `X-Autoresponder` with a value other than "no"/"false"/"0";
/// - `Precedence: auto_reply` (`bulk`, `junk` and `list` do not count: lists send those);
/// - a multipart/report with report-type disposition-notification (a read receipt, RFC 8098);
/// - a subject in the words mail programs use for out-of-office replies (`subjectPhrases`,
///   anywhere, and `subjectPrefixes`, at the start), in Vietnamese, English, French, German,
///   Korean, Japanese or Chinese.
enum AutoReplySignals {
    static let subjectPhrases = [
        "out of office", "out of the office", "automatic reply", "auto reply", "autoreply", "auto-reply", "auto response",
        "réponse automatique", "réponse auto", "absent du bureau", "automatische antwort", "abwesenheitsnotiz",
        "trả lời tự động", "tự động trả lời", "thư trả lời tự động", "자동 회신", "자동 응답", "부재중", "부재 중",
        "自動応答", "自動返信", "不在", "自动回复", "自動回覆", "自动答复",
    ]
    static let subjectPrefixes = ["absence", "abwesend", "auto:", "vacation", "away:"]
    private static let phraseBytes = OutreachBounces.phraseBytes(subjectPhrases)

    /// Whether `message` carries one of the signals; `lowercasedSubject` is from `SubjectText.lowercased`.
    static func present(in message: MIMEEntity, lowercasedSubject: String?) -> Bool {
        let header = message.header
        if let value = header.text("auto-submitted")?.lowercased(), !value.hasPrefix("no") { return true }
        for name in ["x-autoreply", "x-autorespond", "x-autoresponder"] {
            if let value = header.first(name)?.text.lowercased(), !["no", "false", "0"].contains(value) { return true }
        }
        if let precedence = header.text("precedence")?.lowercased(), precedence == "auto_reply" || precedence == "auto-reply" { return true }
        if message.contentType.mimeType == "multipart/report", message.contentType.parameters["report-type"]?.lowercased() == "disposition-notification" {
            return true
        }
        guard let lower = lowercasedSubject else { return false }
        return Array(lower.utf8)[...].containsAny(phraseBytes) || subjectPrefixes.contains { lower.hasPrefix($0) }
    }
}

/// Subjects prepared for phrase matching.
enum SubjectText {
    /// Lower case, composed (NFC) when the text has combining marks — Windows-1258 and some Mac
    /// mail programs write Vietnamese tone marks that way — so phrases match however they were typed.
    static func lowercased(_ subject: String) -> String {
        // U+0300–U+036F, the combining diacritical marks, are CC 80 … CD AF in UTF-8.
        let hasCombiningMarks = subject.utf8.contains { $0 == 0xCC || $0 == 0xCD }
        return (hasCombiningMarks ? subject.precomposedStringWithCanonicalMapping : subject).lowercased()
    }
}
