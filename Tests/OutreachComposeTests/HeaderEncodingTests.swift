import Foundation
import Testing
@testable import OutreachCompose
import OutreachLinks
import OutreachModel

@Suite struct HeaderEncodingTests {
    @Test func singleLineReplacesControlsAndSeparatorsOnly() {
        // Untouched: ordinary text in every script, a no-break space, an en dash.
        for text in ["Mời tham dự Tết 2027 – Cần Thơ", "Invitation\u{00A0}spéciale", "신년 모임", "新年の集い", "新年聚会"] {
            #expect(HeaderEncoding.singleLine(text) == text)
        }
        // C0 and C1 controls, line and paragraph separators and runs of spaces become one space; ends are trimmed.
        #expect(HeaderEncoding.singleLine("a\r\nBcc: x") == "a Bcc: x")
        #expect(HeaderEncoding.singleLine("a\u{0085}b\u{009F}c") == "a b c")
        #expect(HeaderEncoding.singleLine("Cần\u{2028}Thơ\u{2029}2027") == "Cần Thơ 2027")
        #expect(HeaderEncoding.singleLine("  a \t  b  ") == "a b")
        #expect(HeaderEncoding.singleLine("a\u{7F}b") == "a b")
        #expect(HeaderEncoding.singleLine("") == "")
    }

    @Test func base64BodiesGetCRLFLineBreaks() {
        func canonical(_ text: String) -> String? {
            var text = text
            return text.withUTF8 { Base64Body.crlfLineBreaks($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(canonical("a\nb\r\nc\n") == "a\r\nb\r\nc\r\n")
        #expect(canonical("\nCần Thơ\n\n") == "\r\nCần Thơ\r\n\r\n")
        #expect(canonical("a\r\nb\r\n") == nil, "already canonical: no copy")
        #expect(canonical("no line break") == nil)
        #expect(canonical("") == nil)
        var out: [UInt8] = []
        Base64Body.encode("新年\n聚会", into: &out)
        let decoded = Data(base64Encoded: String(decoding: out, as: UTF8.self), options: .ignoreUnknownCharacters)
        #expect(decoded.map { String(decoding: $0, as: UTF8.self) } == "新年\r\n聚会")
    }

    /// The composer encodes From and a shared Subject once; each message must carry exactly what
    /// encoding its own sender and subject would give.
    @Test(arguments: ["vi", "en", "fr", "ko", "ja", "zh"])
    func composedHeadersAreTheEncodingOfTheirValues(_ language: String) throws {
        let composer = try GoldenTests().composer("new-year-gathering", "Config/events/new-year-gathering-2027.yaml")
        for test in [false, true] {
            let message = composer.compose(GoldenTests.contact(language: language), test: test)
            let header = String(decoding: message.bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0] + "\r\n"
            #expect(header.contains(HeaderEncoding.unstructured("Subject", message.subject)))
            #expect(header.contains(HeaderEncoding.address("From", displayName: "Sở Ngoại vụ thành phố Cần Thơ", address: "songoaivu@cantho.gov.vn")))
            #expect(message.subject.hasPrefix("[TEST] ") == test)
        }
    }
}

/// The text and HTML parts are quoted-printable once per campaign around their personal fields
/// (or base64 when that is smaller): decoded, every part is exactly the text rendered for that
/// recipient, and every quoted-printable line obeys RFC 2045, whoever the recipient is.
@Suite struct EncodedPartTests {
    static func contacts(language: String) -> [Recipient] {
        var tricky = GoldenTests.contact(language: language)
        tricky.id = 7_654_321
        tricky.name = ".Nguyễn <b>\"Bé\"</b> & 'Út' " + String(repeating: "Trần Thị Minh Khai ", count: 12)
        tricky.honorific = "Bà"
        tricky.organization = "Hội người Việt tại Fukuoka = ?"
        var plain = GoldenTests.contact(language: language)
        plain.name = ""
        plain.honorific = nil
        return [GoldenTests.contact(language: language), tricky, plain]
    }

    /// (content type, transfer encoding, body) of each text part.
    static func parts(_ message: [UInt8]) -> [(String, String, [UInt8])] {
        let text = String(decoding: message, as: UTF8.self)
        var found: [(String, String, [UInt8])] = []
        for type in ["text/plain", "text/html"] {
            guard let header = text.range(of: "Content-Type: \(type); charset=UTF-8\r\nContent-Transfer-Encoding: ") else { continue }
            let rest = text[header.upperBound...]
            let encoding = String(rest.prefix { !$0.isNewline })
            let bodyStart = rest.range(of: "\r\n\r\n")!.upperBound
            let bodyEnd = rest.range(of: "\r\n--=_outreach_")!.lowerBound
            found.append((type, encoding, Array(rest[bodyStart..<bodyEnd].utf8)))
        }
        return found
    }

    @Test(arguments: GoldenTests.cases.map { "\($0.0)|\($0.1 ?? "")|\($0.2)" })
    func eachPartDecodesToTheRenderedText(_ key: String) throws {
        let p = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        try Self.checkParts(try GoldenTests().composer(p[0], p[1].isEmpty ? nil : p[1]), language: p[2])
    }

    /// A text with a section on a personal field cannot be prepared: it is rendered whole for each
    /// recipient, and its parts must decode the same way.
    @Test(arguments: ["vi", "en", "ja"])
    func aTemplateThatCannotBePreparedIsRenderedPerRecipient(_ language: String) throws {
        var template = try InvitationTemplate.load(name: "new-year-gathering", from: GoldenTests.root.appendingPathComponent("Templates").path)
        template.languages[language]!.text += "\n{{#contact.organization}}({{contact.organization}}){{/contact.organization}}\n"
        #expect(!InvitationComposer.canPrepare(template.languages[language]!))
        let event = try Event.parse(String(contentsOfFile: GoldenTests.root.appendingPathComponent("Config/events/new-year-gathering-2027.yaml").path,
                                           encoding: .utf8), file: "new-year-gathering-2027.yaml")
        let composer = try InvitationComposer(campaignID: 7, slug: "unprepared", template: template, event: event, subject: nil, sender: Sender(name: "Sở Ngoại vụ thành phố Cần Thơ", address: "songoaivu@cantho.gov.vn"),
                                              links: Links(baseURL: "https://invite.cantho.gov.vn", signer: LinkSigner(secrets: ["golden"])))
        try Self.checkParts(composer, language: language)
        let tricky = Self.contacts(language: language)[1]
        #expect(composer.render(tricky).text.contains("(Hội người Việt tại Fukuoka = ?)"))
    }

    static func checkParts(_ composer: InvitationComposer, language: String) throws {
        for contact in Self.contacts(language: language) {
            let message = composer.compose(contact)
            let rendered = composer.render(contact)
            let parts = Self.parts(message.bytes)
            #expect(parts.count == 2)
            for (type, encoding, body) in parts {
                var expected = (type == "text/plain" ? rendered.text : rendered.html)
                    .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n")
                if encoding == "quoted-printable" {
                    // The CRLF before the boundary belongs to the boundary.
                    if expected.hasSuffix("\r\n") { expected.removeLast() }
                    let decoded = try #require(QuotedPrintableTests.decode(body + [0x0D, 0x0A]))
                    #expect(String(decoding: decoded, as: UTF8.self) == expected + "\r\n", "\(type) for \(contact.name)")
                    #expect(QuotedPrintableTests.checkLines(body + [0x0D, 0x0A]).isEmpty, "\(type) for \(contact.name)")
                } else {
                    #expect(encoding == "base64")
                    let decoded = try #require(Data(base64Encoded: String(decoding: body, as: UTF8.self), options: .ignoreUnknownCharacters))
                    #expect(String(decoding: decoded, as: UTF8.self) == expected, "\(type) for \(contact.name)")
                }
            }
        }
    }
}

/// Which texts can be rendered once and filled per recipient.
@Suite struct PreparableTextTests {
    static func texts(_ body: String) -> InvitationTemplate.Texts {
        .init(subject: "Mời {{contact.name}}", html: body, text: "Kính gửi {{salutation}}", headerHTML: "", footerHTML: "", headerText: "", footerText: "")
    }

    @Test func personalSectionsTransformsAndAttributesCannotBePrepared() {
        #expect(InvitationComposer.canPrepare(Self.texts("<p>{{salutation}}, {{event.title}} {{unsubscribe_url}}</p>")))
        #expect(InvitationComposer.canPrepare(Self.texts("{{#event.dress_code}}<p>{{.}}</p>{{/event.dress_code}} (a) {x}")))
        for body in ["{{#contact.organization}}x{{/contact.organization}}", "{{^salutation}}Hello{{/salutation}}",
                     "{{# rsvp_yes_url}}y{{/ rsvp_yes_url}}", "{{uppercase(contact.name)}}", "{{ lowercased(event.title) }}",
                     "{{contact.attributes.table}}"] {
            #expect(!InvitationComposer.canPrepare(Self.texts(body)), "\(body)")
        }
    }
}
