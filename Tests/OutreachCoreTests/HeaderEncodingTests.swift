import Foundation
import Testing
@testable import OutreachCore

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
