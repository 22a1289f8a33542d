import Testing
@testable import OutreachModel

/// Terminal columns by East Asian Width: CJK two, combining marks none.
@Suite struct DisplayWidthTests {
    @Test func cjkCharactersTakeTwoColumns() {
        #expect(DisplayWidth.of("佐藤 花子") == 9)
        #expect(DisplayWidth.of("王小明") == 6)
        #expect(DisplayWidth.of("김민준") == 6)
        #expect(DisplayWidth.of("ｱｲｳ") == 3, "halfwidth katakana is narrow")
        #expect(DisplayWidth.of("ＡＢ") == 4, "fullwidth Latin is wide")
    }

    @Test func combiningMarksTakeNone() {
        #expect(DisplayWidth.of("Nguye\u{302}\u{303}n") == 6)
        #expect(DisplayWidth.of("Nguyễn") == 6)
        #expect(DisplayWidth.of("A\u{200B}B") == 2)
    }

    @Test func latinIsOneColumnEach() {
        #expect(DisplayWidth.of("Anna Schmidt") == 12)
        #expect(DisplayWidth.of("") == 0)
    }
}
