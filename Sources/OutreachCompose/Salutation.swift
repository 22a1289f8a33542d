import Foundation
import OutreachModel

/// The greeting that opens a letter, by the rules of its language. Vietnamese names run
/// family–middle–given and a person is addressed by honorific + given name ("Kính gửi Ông Dũng");
/// Korean, Japanese and Chinese names put the family name first; Western names put it last.
public enum Salutation {
    enum Form { case male, female, doctor, vietnamese(String) }

    /// The greeting for a contact in `language` (no trailing punctuation).
    public static func greeting(name: String, addressedAs: String?, honorific: String?, kind: ContactKind,
                                contactLanguage: String?, language: String) -> String {
        let words = name.split(whereSeparator: \.isWhitespace).map(String.init)
        let form = honorific.flatMap(self.form)
        let vietnameseName = kind == .overseasVietnamese || (contactLanguage.map { Language.primary($0) } == "vi")
        let eastAsian = ["ko", "ja", "zh"].contains(contactLanguage.map { Language.primary($0) } ?? "")
            || (words.count <= 2 && name.unicodeScalars.contains { $0.properties.isIdeographic || (0xAC00...0xD7A3).contains($0.value) })
        // The name the person is called by: stored, else the given name for Vietnamese names,
        // else the family name.
        let called: String? = addressedAs ?? (words.isEmpty ? nil : vietnameseName ? words.last : eastAsian ? words.first : words.last)
        let full = words.isEmpty ? nil : words.joined(separator: " ")

        switch language {
        case "vi":
            let title: String? = switch form {
            case .vietnamese(let t): t
            case .male: "Ông"
            case .female: "Bà"
            case .doctor: "Tiến sĩ"
            case nil: nil
            }
            if let title, let called { return "Kính gửi \(title) \(vietnameseName ? called : full ?? called)" }
            if let full { return "Kính gửi Ông/Bà \(full)" }
            return "Kính gửi Quý vị"
        case "fr":
            switch form {
            case .male?, .vietnamese("Ông")?, .vietnamese("Anh")?: return called.map { "Monsieur \($0)" } ?? "Monsieur"
            case .female?, .vietnamese?: return called.map { "Madame \($0)" } ?? "Madame"
            case .doctor?: return called.map { "Docteur \($0)" } ?? "Docteur"
            case nil: return "Madame, Monsieur"
            }
        case "ko":
            if let full { return "\(full) 님께" }
            return "귀하께"
        case "ja":
            if let full { return "\(full.replacingOccurrences(of: " ", with: eastAsian ? " " : "・"))様" }
            return "皆様"
        case "zh":
            guard let full else { return "尊敬的朋友" }
            let n = eastAsian ? full.replacingOccurrences(of: " ", with: "") : full
            switch form {
            case .male?, .vietnamese("Ông")?, .vietnamese("Anh")?: return "尊敬的\(n)先生"
            case .female?, .vietnamese?: return "尊敬的\(n)女士"
            case .doctor?: return "尊敬的\(n)博士"
            case nil: return "尊敬的\(n)"
            }
        default:
            let title: String? = switch form {
            case .male?, .vietnamese("Ông")?, .vietnamese("Anh")?: "Mr"
            case .female?, .vietnamese?: "Ms"
            case .doctor?: "Dr"
            case nil: nil
            }
            if let title, let called { return "Dear \(title) \(called)" }
            if let full { return "Dear \(full)" }
            return "Dear friend"
        }
    }

    static func form(_ honorific: String) -> Form? {
        let h = honorific.trimmingCharacters(in: .whitespaces)
        switch h.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) {
        case "ông", "anh", "bà", "chị", "cô", "em", "bác", "chú", "thầy":
            return .vietnamese(h.prefix(1).uppercased() + h.dropFirst().lowercased())
        case "mr", "m", "monsieur", "herr", "sir", "先生": return .male
        case "ms", "mrs", "miss", "mme", "madame", "mlle", "frau", "女士": return .female
        case "dr", "docteur", "doctor", "ts", "tiến sĩ", "prof", "professor", "博士": return .doctor
        default: return nil
        }
    }
}

