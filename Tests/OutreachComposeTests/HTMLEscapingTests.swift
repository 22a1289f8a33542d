import Foundation
@testable import OutreachCompose
import OutreachModel
import Testing

/// A quote stays a quote whatever combining mark follows it (issue 14).
@Suite struct HTMLEscapingTests {
    static let attack = "x\"\u{301} onmouseover=alert(1) <\u{301}script>&\u{301}'\u{301}"

    @Test func theEscaperWorksOnScalars() {
        let escaped = HTMLEscaping.escape(Self.attack)
        #expect(!escaped.utf8.contains { $0 == 0x22 || $0 == 0x3C || $0 == 0x3E || $0 == 0x27 })
        #expect(escaped == "x&quot;\u{301} onmouseover=alert(1) &lt;\u{301}script&gt;&amp;\u{301}&#39;\u{301}")
    }

    /// Both ways an invitation is written: prepared once and filled, and rendered per recipient
    /// by Mustache (a template whose section depends on a personal field).
    @Test func aNameWithAMarkedQuoteCannotLeaveItsAttribute() throws {
        var template = try InvitationTemplate.load(name: "new-year-gathering", from: GoldenTests.root.appendingPathComponent("Templates").path)
        let prepared = try GoldenTests().composer("new-year-gathering", nil)
        template.languages["en"]!.html += "<span title=\"{{contact.name}}\">{{#contact.name}}{{contact.name}}{{/contact.name}}</span>"
        let perRecipient = try InvitationComposer(campaignID: 7, slug: "unprepared", template: template, event: nil, subject: nil,
                                                  sender: prepared.sender, links: prepared.links)
        var contact = GoldenTests.contact(language: "en")
        contact.name = Self.attack
        // (Outside #expect: its macro expansion trips over a quote followed by a combining mark.)
        let markedQuote = "\"" + "\u{301}"
        for composer in [prepared, perRecipient] {
            let html = composer.render(contact).html
            #expect(!html.contains(markedQuote), "an unescaped quote with its mark")
            #expect(!html.contains("<\u{301}script"))
        }
        #expect(perRecipient.render(contact).html.contains("title=\"x&quot;\u{301} onmouseover"))
    }
}
