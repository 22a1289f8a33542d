import Foundation
import Testing
@testable import OutreachModel

/// The staff catalog is complete in both languages, and every word the sources say to staff
/// comes from it.
@Suite struct StaffTextTests {
    /// The package's `Sources/` folder.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every Swift file under `Sources/`, with its text.
    static func sourceFiles() throws -> [(path: String, text: String)] {
        let walker = FileManager.default.enumerator(atPath: sources.path)!
        var files: [(String, String)] = []
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix(".swift") else { continue }
            files.append((relative, try String(contentsOf: sources.appendingPathComponent(relative), encoding: .utf8)))
        }
        return files
    }

    @Test func everyKeyIsInBothLanguages() {
        let en = Set(StaffText.table(.en).keys), vi = Set(StaffText.table(.vi).keys)
        #expect(en.subtracting(vi).sorted() == [], "keys with English text only")
        #expect(vi.subtracting(en).sorted() == [], "keys with Vietnamese text only")
        #expect(en.count > 100)
    }

    @Test func bothLanguagesUseTheSameArguments() {
        for (key, english) in StaffText.table(.en) {
            guard let vietnamese = StaffText.table(.vi)[key] else { continue }
            #expect(StaffText.argumentNames(in: english) == StaffText.argumentNames(in: vietnamese), "\(key)")
        }
    }

    @Test func noTextIsEmpty() {
        for language in StaffLanguage.allCases {
            for (key, text) in StaffText.table(language) {
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(language) \(key)")
            }
        }
    }

    /// A key the sources name but the catalog lacks would show as `[key]`.
    @Test func everyKeyTheSourcesNameIsInTheCatalog() throws {
        let pattern = try Regex(#"(?:StaffMessage|StaffText\.say|staffHelp)\(\s*"([a-z0-9_.]+)"(?!\s*\+)"#)
        var named: Set<String> = []
        for file in try Self.sourceFiles() {
            for match in file.text.matches(of: pattern) { named.insert(String(match.output[1].substring!)) }
        }
        #expect(named.count > 100)
        for language in StaffLanguage.allCases {
            #expect(named.subtracting(StaffText.table(language).keys).sorted() == [], "named in Sources but missing in \(language)")
        }
    }

    /// Every error type's words come from the catalog (so each has its English and Vietnamese).
    /// The exceptions carry an outcome between two parts of the program and are never shown.
    @Test func everyErrorTypeSpeaksFromTheCatalog() throws {
        let carriers: Set<String> = ["NotSent", "SkipReason", "Refusal"]
        let declaration = try Regex(#"(?:struct|enum|class)\s+(\w+)\s*:\s*([^{]*)\{"#)
        var checked = 0
        for file in try Self.sourceFiles() {
            for match in file.text.matches(of: declaration) {
                let name = String(match.output[1].substring!)
                let conformances = match.output[2].substring!.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard conformances.contains("Error") || conformances.contains("StaffFacingError") else { continue }
                checked += 1
                guard !carriers.contains(name) else { continue }
                #expect(conformances.contains("StaffFacingError"), "\(file.path): \(name) is an Error but not a StaffFacingError")
            }
        }
        #expect(checked > 20)
    }

    @Test func aMessageReadsInEitherLanguage() {
        let message = StaffMessage("campaign.unknown", ["slug": "tet-2027"])
        #expect(message.text(in: .en) == "no campaign \"tet-2027\"")
        #expect(message.text(in: .vi) == "không có chiến dịch \"tet-2027\"")
    }

    @Test func aMessageInsideAMessageIsSaidInTheSameLanguage() {
        let problem = StaffMessage("segment.bad_term", ["term": "kind", "problem": StaffMessage("segment.not_key_value")])
        #expect(problem.text(in: .vi) == "điều kiện lọc \"kind\": không có dạng khóa=giá_trị")
        #expect(problem.text(in: .en) == "segment term \"kind\": is not key=value")
    }

    @Test func englishPluralsPickTheWordForTheCount() {
        #expect(StaffText.fill("{n} {n|message|messages}", ["n": "1"]) == "1 message")
        #expect(StaffText.fill("{n} {n|message|messages}", ["n": "3"]) == "3 messages")
        #expect(StaffText.argumentNames(in: "{n} {n|message|messages} to {to}") == ["n", "to"])
    }

    @Test func aMissingKeyShowsItself() {
        #expect(StaffMessage("no.such.key").text(in: .vi) == "[no.such.key]")
    }

    @Test func theLocaleChoosesTheLanguage() {
        #expect(StaffLanguage.fromLocale(["LANG": "vi_VN.UTF-8"]) == .vi)
        #expect(StaffLanguage.fromLocale(["LANG": "en_US.UTF-8"]) == .en)
        #expect(StaffLanguage.fromLocale(["LC_ALL": "en_US.UTF-8", "LANG": "vi_VN.UTF-8"]) == .en)
        #expect(StaffLanguage.fromLocale(["LC_ALL": "vi_VN", "LANG": "C"]) == .vi)
        #expect(StaffLanguage.fromLocale(["LANG": "C.UTF-8"]) == .en)
        #expect(StaffLanguage.fromLocale([:]) == .en)
        #expect(StaffLanguage(setting: "VI") == .vi)
        #expect(StaffLanguage(setting: "fr") == nil)
    }
}
