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

    @Test func undecodableBytesAreAnError() {
        // 0x81 is undefined in Windows-1258 and invalid UTF-8.
        #expect(throws: TextDecoder.Failure.self) { try TextDecoder.decode(Array("a,b\n".utf8) + [0x81, 0x0A]) }
        #expect(throws: TextDecoder.Failure.self) { try TextDecoder.decode([0xC3, 0x28], as: .utf8) }
    }
}
