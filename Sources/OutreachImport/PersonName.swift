import OutreachModel
import OutreachRegister
import Foundation

/// A person's name that a contact source gives in parts (family, middle, given), put together in
/// the order of the name's culture: "Nguyễn Văn Dũng", "佐藤 遥", "김민준", "Sarah Miller".
public struct PersonName: Sendable, Equatable {
    /// The family name (Nguyễn, 佐藤, Miller).
    public var family: String
    /// Middle names (Văn, Thị); often empty.
    public var middle: String
    /// The given name, the one a person is called by (Dũng, 遥, Sarah).
    public var given: String

    /// Whose way of writing a name applies.
    public enum Culture: Sendable, Equatable {
        /// Family, middle, given, spaced: "Nguyễn Văn Dũng".
        case vietnamese
        /// Family then given, spaced: "佐藤 遥", "Sato Haruka".
        case japanese
        /// Family then given, unspaced in Chinese characters: "王芳".
        case chinese
        /// Family then given, unspaced in Hangul: "김민준".
        case korean
        /// Given, middle, family: "Sarah Miller".
        case western
    }

    /// The parts as given; each is trimmed.
    public init(family: String = "", middle: String = "", given: String = "") {
        self.family = SourceContact.trimmed(family)
        self.middle = SourceContact.trimmed(middle)
        self.given = SourceContact.trimmed(given)
    }

    /// True when no part has any text.
    public var isEmpty: Bool { family.isEmpty && middle.isEmpty && given.isEmpty }

    /// The culture of the name: from its script, then its letters (Vietnamese letters, a common
    /// Vietnamese family name), then the contact's language (a BCP 47 tag). The country is only
    /// used to tell a Japanese from a Chinese name in Chinese characters: it says where a person
    /// lives, not where their name comes from (a foreign resident's country is Vietnam).
    public func culture(language: String?, country: String?) -> Culture {
        let primary = language.map(Language.primary)
        let parts = [family, middle, given]
        var han = false
        for part in parts {
            for scalar in part.unicodeScalars {
                switch PersonName.script(scalar) {
                case .hangul: return .korean
                case .kana: return .japanese
                case .han: han = true
                case .vietnamese, .other: continue
                }
            }
        }
        if han {
            switch primary {
            case "ja": return .japanese
            case "zh": return .chinese
            case "ko": return .korean
            default: break
            }
            switch country {
            case "JP": return .japanese
            case "CN", "TW", "HK", "MO", "SG": return .chinese
            case "KR": return .korean
            default: return family.count >= 2 ? .japanese : .chinese  // 佐藤, 田中 · 王, 李
            }
        }
        if parts.contains(where: { $0.unicodeScalars.contains { PersonName.script($0) == .vietnamese } }) { return .vietnamese }
        if primary == nil || primary == "vi", PersonName.isVietnameseFamilyName(family) { return .vietnamese }
        switch primary {
        case "vi": return .vietnamese
        case "ja": return .japanese
        case "zh": return .chinese
        case "ko": return .korean
        default: return .western
        }
    }

    /// The whole name in its culture's order, nil when every part is empty.
    public func fullName(language: String?, country: String?) -> String? {
        if isEmpty { return nil }
        let culture = culture(language: language, country: country)
        let ordered = culture == .western ? [given, middle, family] : [family, middle, given]
        let present = ordered.filter { !$0.isEmpty }
        // Chinese and Korean names run together when written in their own script.
        let unspaced = (culture == .chinese || culture == .korean)
            && present.allSatisfy { $0.unicodeScalars.allSatisfy { PersonName.script($0) == .han || PersonName.script($0) == .hangul } }
        return present.joined(separator: unspaced ? "" : " ")
    }

    enum Script { case hangul, kana, han, vietnamese, other }

    /// The script a character of a name tells: Hangul, kana, Chinese characters, or a letter only
    /// Vietnamese uses (ơ, ư, and the tone-marked vowels of U+1EA0–U+1EF9; not â ê ô ă đ, which
    /// French, Romanian or Croatian names have too).
    static func script(_ scalar: Unicode.Scalar) -> Script {
        let v = scalar.value
        if v < 0x1A0 { return .other }
        switch v {
        case 0x1A0, 0x1A1, 0x1AF, 0x1B0, 0x1EA0...0x1EF9: return .vietnamese
        case 0x1100...0x11FF, 0x3130...0x318F, 0xA960...0xA97F, 0xAC00...0xD7AF: return .hangul
        case 0x3040...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return .kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return .han
        default: return .other
        }
    }

    /// True when the first word of `family`, without accents, is one of the common Vietnamese
    /// family names (so "Nguyen" written without diacritics still counts).
    static func isVietnameseFamilyName(_ family: String) -> Bool {
        guard let first = family.split(separator: " ").first else { return false }
        return vietnameseFamilyNames.contains(ColumnMapping.fold(String(first)))
    }

    /// The family names most Vietnamese people carry, accents removed. Names that are as common
    /// elsewhere in Latin letters (Van, La, Son, Mai) are left out.
    static let vietnameseFamilyNames: Set<String> = [
        "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do", "ho", "ngo",
        "duong", "ly", "truong", "dinh", "lam", "chau", "trinh", "dao", "luong", "luu", "kieu", "quach",
        "doan", "vuong", "trieu", "khuc", "thach", "diep", "nghiem", "tang", "ung", "banh", "tieu", "phung",
        "ton", "nong", "giang", "thai", "cao", "ha", "ta", "lai", "mac", "quan", "au", "hua", "khong",
    ]
}
