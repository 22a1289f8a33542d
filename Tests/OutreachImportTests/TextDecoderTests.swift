import Foundation
import Testing
@testable import OutreachImport
import OutreachModel

@Suite struct TextDecoderTests {
    let vietnamese = "email,họ và tên\nlan@example.vn,Nguyễn Thị Lan\n"

    @Test func utf8WithAndWithoutBOM() throws {
        let plain = try TextDecoder.decode(Array(vietnamese.utf8))
        #expect(plain.text == vietnamese && plain.encoding == "utf-8")
        let bom = try TextDecoder.decode([0xEF, 0xBB, 0xBF] + Array(vietnamese.utf8))
        #expect(bom.text == vietnamese)
    }

    @Test func utf16LittleAndBigEndianWithBOM() throws {
        var le: [UInt8] = [0xFF, 0xFE]
        var be: [UInt8] = [0xFE, 0xFF]
        for unit in vietnamese.utf16 {
            le += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            be += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        #expect(try TextDecoder.decode(le).text == vietnamese)
        #expect(try TextDecoder.decode(le).encoding == "utf-16le")
        #expect(try TextDecoder.decode(be).text == vietnamese)
    }

    @Test func windows1258CombiningTonesBecomeNFC() throws {
        // "Nguyễn" in Windows-1258: N g u y ê + combining tilde (0xDE) n
        let bytes: [UInt8] = Array("Nguy".utf8) + [0xEA, 0xDE] + Array("n".utf8)
        let decoded = try TextDecoder.decode(bytes)
        #expect(decoded.encoding == "windows-1258")
        #expect(decoded.text == "Nguyễn")
        #expect(decoded.text.unicodeScalars.count == 6)
    }

    @Test func theQuickNFCCheckPassesOnlyTextFoundationLeavesAlone() {
        let surely = ["plain ascii", "Nguyễn Thị Lan, Cần Thơ", "Élodie Müller", "김민준", "田中太郎 さとう カタカナ", "王伟 — “quoted” €",
                      "\u{2FF}\u{1E00}\u{1EFF}\u{FF01}"]
        for text in surely {
            #expect(TextDecoder.isSurelyNFC(text), "\(text)")
            #expect(TextDecoder.nfc(text) == text && text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars))
        }
        // Combining marks (U+0300 is the first), conjoining jamo, a compatibility singleton, an emoji.
        let unsure = ["Nguye\u{302}\u{303}n", "a\u{300}", "\u{1100}\u{1161}", "\u{212B}ngström", "🙂"]
        for text in unsure { #expect(!TextDecoder.isSurelyNFC(text), "\(text)") }
        #expect(Array(TextDecoder.nfc("Nguye\u{302}\u{303}n").unicodeScalars) == Array("Nguy\u{1EC5}n".unicodeScalars))
        #expect(Array(TextDecoder.nfc("\u{1100}\u{1161}").unicodeScalars) == ["\u{AC00}"])
    }

    @Test func undecodableBytesAreAnError() {
        // 0x81 is undefined in Windows-1258 and invalid UTF-8.
        #expect(throws: TextDecoder.Failure.self) { try TextDecoder.decode(Array("a,b\n".utf8) + [0x81, 0x0A]) }
        #expect(throws: TextDecoder.Failure.self) { try TextDecoder.decode([0xC3, 0x28], as: .utf8) }
    }
}
