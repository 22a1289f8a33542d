import Foundation
import Testing
@testable import OutreachModel

/// Addresses are checked on Unicode scalars: no quote, bracket, comma or second `@` gets in under
/// a combining mark (issue 14).
@Suite struct EmailAddressFuzzTests {
    @Test(arguments: [
        "x>\u{301},\u{301}evil@example.org", "x@\u{301}y@example.org", "\"\u{301}q@example.org", "a<\u{301}b@example.org",
        "a,\u{301}b@example.org", "a@exa\u{301},mple.org", "a.\u{301}b@example.org", "\u{301}a@example.org", "a@\u{301}example.org",
    ])
    func aCombiningMarkDoesNotHideAForbiddenCharacter(text: String) {
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress(text) }
    }

    @Test func marksOnLettersStayWelcome() throws {
        #expect(try EmailAddress("thu\u{0301}y@ví-dụ.vn").value == "thúy@ví-dụ.vn")
        #expect(try EmailAddress("q\u{303}a@example.org").value == "q\u{303}a@example.org", "a mark with no precomposed form")
    }

    /// Whatever random text goes in, an accepted address has one `@`, none of the characters that
    /// end an address in a header, marks only on letters or digits, and parses to itself again.
    @Test func randomTextNeverMakesAnAddressThatBreaksAHeader() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var g = Seeded(state: seed)
        let pools: [[UInt32]] = [
            Array(0x61...0x7A), Array(0x30...0x39), [0x40, 0x40, 0x2E, 0x2E, 0x2D, 0x2B, 0x5F],
            [0x22, 0x3C, 0x3E, 0x2C, 0x3B, 0x3A, 0x28, 0x29, 0x5B, 0x5D, 0x5C, 0x20, 0x09, 0x0A, 0x0D],
            Array(0x300...0x36F), [0x20D0, 0x20E3, 0x1AB0, 0x0483],
            [0x00, 0x01, 0x1B, 0x7F, 0x85, 0x200B, 0x200E, 0x2028, 0xFEFF, 0xE000],
            [0x1EA1, 0x01B0, 0x0111, 0x4E2D, 0xD55C, 0x3042, 0x201C, 0xFF02, 0xFF20, 0xFE6B],
        ]
        let enders = Set("\"<>,;:()[]\\".unicodeScalars)
        var accepted = 0
        for _ in 0..<20_000 {
            func piece(_ count: Int, from chosen: [[UInt32]]) -> String {
                var scalars = String.UnicodeScalarView()
                for _ in 0..<count {
                    let pool = chosen[Int.random(in: 0..<chosen.count, using: &g)]
                    scalars.append(Unicode.Scalar(pool[Int.random(in: 0..<pool.count, using: &g)])!)
                }
                return String(scalars)
            }
            // Half free-form, half shaped like an address (letters and marks around one @ and a
            // dot) with awkward scalars slipped in, so that both outcomes are well exercised.
            let text: String
            if Bool.random(using: &g) {
                text = piece(Int.random(in: 1...24, using: &g), from: pools)
            } else {
                let lettersAndMarks = [pools[0], pools[1], pools[4], pools[7]]
                text = piece(Int.random(in: 1...6, using: &g), from: lettersAndMarks) + piece(Int.random(in: 0...1, using: &g), from: pools)
                    + "@" + piece(Int.random(in: 1...6, using: &g), from: lettersAndMarks) + piece(Int.random(in: 0...1, using: &g), from: pools)
                    + ".org"
            }
            guard let address = try? EmailAddress(text) else { continue }
            accepted += 1
            let s = Array(address.value.unicodeScalars)
            #expect(s.filter { $0 == "@" }.count == 1, "seed \(seed): \(address.value.debugDescription)")
            #expect(!s.contains { enders.contains($0) || $0.properties.isWhitespace || $0.properties.generalCategory == .control },
                    "seed \(seed): \(address.value.debugDescription)")
            for (i, scalar) in s.enumerated() where EmailAddress.isMark(scalar) {
                #expect(i > 0 && (EmailAddress.isLetterOrDigit(s[i - 1]) || EmailAddress.isMark(s[i - 1])),
                        "seed \(seed): \(address.value.debugDescription)")
            }
            #expect(address.value == address.value.precomposedStringWithCanonicalMapping)
            #expect((try? EmailAddress(address.value))?.value == address.value, "seed \(seed): \(address.value.debugDescription)")
        }
        #expect(accepted > 0, "the generator makes some valid addresses too")
    }
}

/// SplitMix64: a failing case can be replayed from its seed.
struct Seeded: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
