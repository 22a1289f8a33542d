import Foundation
import OutreachModel

/// ISO 3166 alpha-2 country codes, from a code or a common English, French or Vietnamese name.
package enum Country {
    static let codes: Set<String> = Set(Locale.Region.isoRegions.map(\.identifier).filter { $0.count == 2 && $0.allSatisfy(\.isLetter) })

    package static func code(_ text: String) -> String? {
        let upper = text.trimmingCharacters(in: .whitespaces).uppercased()
        if upper.count == 2, codes.contains(upper) { return upper }
        if upper == "UK" { return "GB" }
        return names[Folding.key(text)]
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
