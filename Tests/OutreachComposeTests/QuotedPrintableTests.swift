import Foundation
import Testing
@testable import OutreachCompose
import OutreachLinks
import OutreachModel

/// Quoted-printable bodies (RFC 2045 §6.7): what a mail program decodes is the text we wrote, and
/// every line obeys the rules, whatever mix of bytes the text has.
@Suite struct QuotedPrintableTests {
    /// An independent decoder: soft breaks removed, =XX turned back into bytes; nil if malformed.
    static func decode(_ encoded: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = [], i = 0
        let digits = Array("0123456789ABCDEF".utf8)
        while i < encoded.count {
            if encoded[i] == 0x3D {
                guard i + 2 < encoded.count else { return nil }
                if encoded[i + 1] == 0x0D && encoded[i + 2] == 0x0A { i += 3; continue }  // "=\r\n"
                guard let high = digits.firstIndex(of: encoded[i + 1]), let low = digits.firstIndex(of: encoded[i + 2]) else { return nil }
                out.append(UInt8(high << 4 | low)); i += 3
            } else {
                out.append(encoded[i]); i += 1
            }
        }
        return out
    }

    static func checkLines(_ encoded: [UInt8]) -> [String] {
        var problems: [String] = []
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        for (n, line) in text.components(separatedBy: "\r\n").dropLast().enumerated() {
            let bytes = Array(line.utf8)
            if bytes.count > 76 { problems.append("line \(n) has \(bytes.count) octets") }
            if bytes.first == 0x2E { problems.append("line \(n) starts with a dot") }
            if let last = bytes.last, last == 0x20 || last == 0x09 { problems.append("line \(n) ends in white space") }
            if bytes.contains(where: { $0 > 126 || ($0 < 32 && $0 != 9) }) { problems.append("line \(n) has a raw byte") }
        }
        return problems
    }

    @Test func randomTextsRoundTripAndEveryLineObeysTheRules() {
        var random = SystemRandomNumberGenerator()
        // Long runs of plain ASCII (the eight-byte path), with the bytes that need care mixed in.
        let pieces: [String] = ["a", "The quick brown fox ", "<td style=\"padding:4px\">", "=", " ", "\t", ".", "\n", "\r\n",
                                "ư", "Cần Thơ", "新年", "\u{7F}", "\u{1}", "0123456789abcdef", "..", "= ", " \n", "\r", "\t\r\n", "%", "~", "&amp;",
                                "  ", " \r\n", "margin:0 0 16px 0; ", "a b c d e f g h "]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...120, using: &random) { text += pieces.randomElement(using: &random)! }
            var encoded: [UInt8] = []
            QuotedPrintable.encode(text, into: &encoded)
            let expected = Array(text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
            let decoded = Self.decode(encoded)
            let wanted = expected.last == 0x0A || expected.isEmpty ? expected : expected + [0x0D, 0x0A]
            #expect(decoded == wanted || (expected.isEmpty && decoded == [0x0D, 0x0A]), "\(text.debugDescription)")
            let problems = Self.checkLines(encoded)
            #expect(problems.isEmpty, "\(problems) in \(String(decoding: encoded, as: UTF8.self).debugDescription)")
        }
    }

    @Test func aLongPlainLineIsBrokenAt76Octets() {
        var encoded: [UInt8] = []
        QuotedPrintable.encode(String(repeating: "abcdefgh", count: 40), into: &encoded)
        let lines = String(decoding: encoded, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        #expect(lines.count == 5)
        #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 && $0.hasSuffix("=") })
        #expect(Self.decode(encoded) == Array((String(repeating: "abcdefgh", count: 40) + "\r\n").utf8))
    }
}

/// Base64 bodies and the choice between the two encodings.
@Suite struct TextTransferEncodingTests {
    @Test func base64LinesAreSeventySixCharactersAndDecodeBack() {
        var random = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 1000] + (0..<200).map({ _ in Int.random(in: 0...3000, using: &random) }) {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            var out: [UInt8] = []
            bytes.withUnsafeBufferPointer { Base64Body.encode($0, into: &out) }
            let lines = String(decoding: out, as: UTF8.self).components(separatedBy: "\r\n")
            #expect(lines.last == "", "ends with CRLF (or is empty)")
            #expect(lines.dropLast().allSatisfy { $0.utf8.count == 76 } || lines.dropLast().dropLast().allSatisfy { $0.utf8.count == 76 })
            #expect(lines.allSatisfy { $0.utf8.count <= 76 })
            #expect(Data(base64Encoded: lines.joined()) == Data(bytes), "length \(length)")
        }
    }

    @Test func mostlyASCIIStaysQuotedPrintableAndTheRestGoesBase64() {
        #expect(TextTransferEncoding.choose(for: "Dear Ms Smith, you are invited to the New Year gathering.") == .quotedPrintable)
        #expect(TextTransferEncoding.choose(for: String(repeating: "<td style=\"padding:4px\">Cần Thơ</td>", count: 20)) == .quotedPrintable)
        #expect(TextTransferEncoding.choose(for: "Kính gửi Ông Dũng, Sở Ngoại vụ thành phố Cần Thơ trân trọng kính mời Ông đến dự buổi gặp mặt") == .base64)
        #expect(TextTransferEncoding.choose(for: "2027年テト（旧正月）外国人・在外ベトナム人新年交流会") == .base64)
        #expect(TextTransferEncoding.choose(for: "") == .quotedPrintable)
        // Long texts (the count runs in rounds of 2,040 bytes): the choice follows the share of
        // non-ASCII bytes counted one by one, on both sides of the threshold.
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let ascii = Int.random(in: 0...30_000, using: &random), accented = Int.random(in: 0...5_000, using: &random)
            let text = String((String(repeating: "a", count: ascii) + String(repeating: "ư", count: accented)).shuffled())
            let escaped = text.utf8.filter { $0 >= 0x80 }.count
            let expected: TextTransferEncoding = escaped * 200 > text.utf8.count * 37 ? .base64 : .quotedPrintable
            #expect(TextTransferEncoding.choose(for: text) == expected, "\(ascii) ASCII, \(accented) accented")
        }
    }
}
