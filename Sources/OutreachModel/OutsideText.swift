/// Text that strangers wrote (a report's Diagnostic-Code, a relay's reply, a name from a CSV):
/// shown to staff only after `cleaned`, so no escape sequence of theirs reaches a terminal or a
/// log line (`ESC[2J` clears a screen, `ESC]0;…BEL` retitles the window, a bidi override turns
/// the rest of a line around).
public enum OutsideText {
    /// `text` with every control character (C0, DEL, C1), line or paragraph separator and bidi
    /// embedding, override or isolate replaced by a space; everything else kept as written.
    public static func cleaned(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isUnsafe($0) ? " " : $0 }))
    }

    /// Whether a terminal or a log reader could take `scalar` for a command rather than text.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
        default: false
        }
    }
}
