import Foundation
import Testing
@testable import OutreachCompose
import OutreachLinks
import OutreachModel

/// Every shipped template in every language, for a fixed contact and event, against the texts
/// kept in `Golden/`. After an intended change: `OUTREACH_UPDATE_GOLDEN=1 swift test --filter Golden`.
@Suite struct GoldenTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()
    static let golden = root.appendingPathComponent("Tests/OutreachComposeTests/Golden")

    static let cases: [(String, String?, String)] = {
        let templates = [("new-year-gathering", "Config/events/new-year-gathering-2027.yaml"),
                         ("folk-cake-festival", "Config/events/folk-cake-festival-2027.yaml"),
                         ("consent-request", nil)]
        return templates.flatMap { name, event in
            let langs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Templates/\(name)").path)) ?? []
            return langs.filter { !$0.contains(".") }.sorted().map { (name, event, $0) }
        }
    }()

    func composer(_ template: String, _ eventFile: String?) throws -> InvitationComposer {
        let t = try InvitationTemplate.load(name: template, from: Self.root.appendingPathComponent("Templates").path)
        let event = try eventFile.map { try Event.parse(String(contentsOfFile: Self.root.appendingPathComponent($0).path, encoding: .utf8), file: $0) }
        return try InvitationComposer(campaignID: 7, slug: "golden", template: t, event: event, subject: nil, sender: Sender(name: "Sở Ngoại vụ thành phố Cần Thơ", address: "songoaivu@cantho.gov.vn"),
                                      links: Links(baseURL: "https://invite.cantho.gov.vn", signer: LinkSigner(secrets: ["golden"])))
    }

    static func contact(language: String) -> Recipient {
        let names = ["vi": ("Nguyễn Văn Dũng", "Ông"), "en": ("John Smith", "Mr"), "fr": ("Claire Dubois", "Mme"),
                     "ko": ("김민준", ""), "ja": ("田中 花子", ""), "zh": ("王芳", "Ms")]
        let (name, honorific) = names[language] ?? ("Someone", "")
        var c = Recipient.unregistered(try! EmailAddress("golden@example.org"))
        c.id = 42
        c.name = name
        c.honorific = honorific.isEmpty ? nil : honorific
        c.language = language
        c.kind = language == "vi" ? .overseasVietnamese : .foreignResident
        return c
    }

    /// A person's calendar UID must never change: a change notice or a cancellation replaces the
    /// invitation's event only under the same UID (the first 12 bytes of SHA-256("slug|id") in hex,
    /// computed here with Python's hashlib).
    @Test func theCalendarUIDIsTheSameAsEver() throws {
        let composer = try composer("new-year-gathering", "Config/events/new-year-gathering-2027.yaml")
        #expect(composer.uid(42) == "9c7eafed0da14d47b665d528@cantho.gov.vn")
        #expect(composer.uid(9_007_199_254_740_993) == "f648a558c7dce3e7ea2c3348@cantho.gov.vn")
    }

    @Test(arguments: cases.map { "\($0.0)|\($0.1 ?? "")|\($0.2)" })
    func matchesTheGoldenTexts(_ key: String) throws {
        let parts = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let (template, event, language) = (parts[0], parts[1].isEmpty ? nil : parts[1], parts[2])
        let rendered = try composer(template, event).render(Self.contact(language: language))
        #expect(rendered.language == language)
        #expect(!rendered.text.contains("{{") && !rendered.html.contains("{{"))
        #expect(rendered.html.contains("https://invite.cantho.gov.vn/u/"))
        let update = ProcessInfo.processInfo.environment["OUTREACH_UPDATE_GOLDEN"] == "1"
        for (ext, actual) in [("subject", rendered.subject), ("txt", rendered.text), ("html", rendered.html)] {
            let file = Self.golden.appendingPathComponent("\(template).\(language).\(ext)")
            if update {
                try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
                try actual.write(to: file, atomically: true, encoding: .utf8)
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(actual == expected, "\(file.lastPathComponent) differs from the golden text")
        }
    }
}
