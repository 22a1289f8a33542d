import Foundation
import Testing
@testable import OutreachDelivery

@Suite struct SMTPReplyTests {
    @Test func aReplyLineGivesItsCodeEnhancedCodeAndText() throws {
        let r = try #require(SMTPReply(line: "550 5.1.1 <nobody@example.org>: Recipient address rejected\r\n"))
        #expect(r.code == 550)
        #expect(r.enhanced == "5.1.1")
        #expect(r.text == "550 5.1.1 <nobody@example.org>: Recipient address rejected")
        let ok = try #require(SMTPReply(line: "250 2.0.0 Ok: queued as 4F2C1\r\n"))
        #expect(ok.code == 250 && ok.enhanced == "2.0.0")
        let continued = try #require(SMTPReply(line: "250-PIPELINING\r\n"))
        #expect(continued.code == 250 && continued.enhanced == nil)
        let bare = try #require(SMTPReply(line: "354\r\n"))
        #expect(bare.code == 354 && bare.enhanced == nil && bare.text == "354")
        let tenth = try #require(SMTPReply(line: "550 5.1.10 Recipient address rejected: null MX"))
        #expect(tenth.enhanced == "5.1.10")
    }

    @Test func whatIsNotAReplyIsRefused() {
        for line in ["", "\r\n", "hello", "25", "199 too low", "600 too high", "2500 no space", "abc def", "421x"] {
            #expect(SMTPReply(line: line) == nil, "\(line)")
        }
        // Not an enhanced code: the words after the code stay text.
        #expect(SMTPReply(line: "451 4.3 incomplete")?.enhanced == nil)
        #expect(SMTPReply(line: "451 9.1.1 bad class")?.enhanced == nil)
        #expect(SMTPReply(line: "421 service not available")?.enhanced == nil)
    }
}
