import Foundation

/// ISO 3166 alpha-2 country codes, from a code or a common English, French or Vietnamese name.
enum Country {
    static let codes: Set<String> = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isLetter) })

    static func code(_ text: String) -> String? {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        if upper.count == 2, codes.contains(upper) { return upper }
        if upper == "UK" { return "GB" }
        return names[ColumnMapping.fold(text)]
    }

    static let names: [String: String] = [
        "vietnam": "VN", "viet nam": "VN", "germany": "DE", "duc": "DE", "deutschland": "DE", "allemagne": "DE",
        "france": "FR", "phap": "FR", "united states": "US", "usa": "US", "hoa ky": "US", "my": "US",
        "etats unis": "US", "australia": "AU", "uc": "AU", "australie": "AU", "canada": "CA",
        "united kingdom": "GB", "anh": "GB", "great britain": "GB", "royaume uni": "GB",
        "korea": "KR", "south korea": "KR", "han quoc": "KR", "coree du sud": "KR", "japan": "JP", "nhat ban": "JP",
        "japon": "JP", "china": "CN", "trung quoc": "CN", "chine": "CN", "taiwan": "TW", "dai loan": "TW",
        "singapore": "SG", "thailand": "TH", "thai lan": "TH", "cambodia": "KH", "campuchia": "KH",
        "laos": "LA", "lao": "LA", "netherlands": "NL", "ha lan": "NL", "belgium": "BE", "bi": "BE",
        "switzerland": "CH", "thuy si": "CH", "czech republic": "CZ", "czechia": "CZ", "sec": "CZ",
        "poland": "PL", "ba lan": "PL", "russia": "RU", "nga": "RU", "italy": "IT", "y": "IT", "spain": "ES",
        "tay ban nha": "ES", "new zealand": "NZ", "india": "IN", "an do": "IN", "philippines": "PH",
        "malaysia": "MY", "indonesia": "ID", "norway": "NO", "na uy": "NO", "sweden": "SE", "thuy dien": "SE",
        "denmark": "DK", "dan mach": "DK", "finland": "FI", "phan lan": "FI", "austria": "AT", "ao": "AT",
    ]
}

/// BCP 47 language tags, from a tag or a common language name.
enum Language {
    static func tag(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "-")
        if let named = names[ColumnMapping.fold(trimmed)] { return named }
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

    /// The primary subtag: `zh-TW` → `zh`.
    static func primary(_ tag: String) -> String {
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
