import Foundation

/// BCP 47 language tags, from a tag or a common language name.
public enum Language {
    public static func tag(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "-")
        if let named = names[Folding.key(trimmed)] { return named }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }),
              parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { return nil }
        var out = [first.lowercased()]
        for part in parts.dropFirst() {
            out.append(part.count == 2 ? part.uppercased() : part.count == 4 ? part.prefix(1).uppercased() + part.dropFirst().lowercased() : part.lowercased())
        }
        return out.joined(separator: "-")
    }

    /// The language to write in when a person's own is not available: Vietnamese for overseas
    /// Vietnamese, English for everyone else.
    public static func fallback(for kind: ContactKind) -> String {
        kind == .overseasVietnamese ? "vi" : "en"
    }

    /// The first of `available` for a person: their language (or its primary subtag), else
    /// `fallback(for: kind)`, else `defaultLanguage`. `isFallback`: not their own language.
    public static func choose(contactLanguage: String?, kind: ContactKind, available: (String) -> Bool,
                              defaultLanguage: String) -> (language: String, isFallback: Bool) {
        if let l = contactLanguage {
            if available(l) { return (l, false) }
            let p = primary(l)
            if available(p) { return (p, false) }
        }
        let byKind = fallback(for: kind)
        if available(byKind) { return (byKind, true) }
        return (defaultLanguage, true)
    }

    /// The primary subtag: `zh-TW` → `zh`.
    public static func primary(_ tag: String) -> String {
        String(tag.split(separator: "-").first ?? Substring(tag)).lowercased()
    }

    static let names: [String: String] = [
        "vietnamese": "vi", "tieng viet": "vi", "viet": "vi", "vietnamien": "vi",
        "english": "en", "tieng anh": "en", "anglais": "en",
        "french": "fr", "francais": "fr", "tieng phap": "fr",
        "korean": "ko", "tieng han": "ko", "한국어": "ko", "coreen": "ko",
        "japanese": "ja", "tieng nhat": "ja", "日本語": "ja", "japonais": "ja",
        "chinese": "zh", "tieng trung": "zh", "中文": "zh", "chinois": "zh",
        "german": "de", "tieng duc": "de", "deutsch": "de",
    ]

}

/// How words from files are matched against known names (headers, countries, languages, kinds).
public enum Folding {
    /// Lower-case, accents and đ removed, `_ - . / :` as spaces, spaces collapsed.
    public static func key(_ text: String) -> String {
        var s = text.precomposedStringWithCanonicalMapping.lowercased()
            .replacingOccurrences(of: "đ", with: "d")
            .folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        s = String(s.map { "_-./:".contains($0) ? " " : $0 })
        return s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
