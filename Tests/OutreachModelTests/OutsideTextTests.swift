import Testing
import OutreachModel

@Suite struct OutsideTextTests {
    @Test func controlCharactersAndBidiOverridesBecomeSpaces() {
        #expect(OutsideText.cleaned("550 \u{1B}[2J\u{1B}]0;PWNED\u{07}x") == "550  [2J ]0;PWNED x")
        #expect(OutsideText.cleaned("a\u{9B}31mb\u{7F}c\r\nd\te") == "a 31mb c  d e")
        #expect(OutsideText.cleaned("gnp.exe\u{202E}txt") == "gnp.exe txt")
        #expect(OutsideText.cleaned("line\u{2028}sep") == "line sep")
    }

    @Test func everythingElseIsKeptAsWritten() {
        for text in ["Nguyễn Thị Lan", "佐藤 遥", "김민준", "550 5.1.1 <a@b.example>: User unknown", "مرحبا", ""] {
            #expect(OutsideText.cleaned(text) == text)
        }
    }
}
