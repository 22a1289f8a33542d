import Foundation
import Testing
import OutreachModel

/// Punycode from RFC 3492, checked against the RFC's own samples and against Python's `idna`
/// package (IDNA 2008), which nobody here wrote.
@Suite struct PunycodeTests {
    @Test(arguments: [
        ("bücher", "bcher-kva"),
        ("münchen", "mnchen-3ya"),
        // RFC 3492 §7.1: (A) Arabic, (B) Chinese (simplified), (L) 3<nen>B<gumi><kinpachi><sensei>, (S) -> $1.00 <-
        ("\u{0644}\u{064A}\u{0647}\u{0645}\u{0627}\u{0628}\u{062A}\u{0643}\u{0644}\u{0645}\u{0648}\u{0634}\u{0639}\u{0631}\u{0628}\u{064A}\u{061F}",
         "egbpdaj6bu4bxfgehfvwxn"),
        ("\u{4ED6}\u{4EEC}\u{4E3A}\u{4EC0}\u{4E48}\u{4E0D}\u{8BF4}\u{4E2D}\u{6587}", "ihqwcrb4cv8a8dqg056pqjye"),
        ("3\u{5E74}B\u{7D44}\u{91D1}\u{516B}\u{5148}\u{751F}", "3B-ww4c5e180e575a65lsy2b"),
        ("-> $1.00 <-", "-> $1.00 <--"),
    ])
    func encodesTheKnownVectors(label: String, expected: String) {
        #expect(Punycode.encode(label) == expected)
    }

    @Test func anAddressGetsItsDomainInALabelsAndKeepsItsLocalPart() {
        #expect(EmailAddress.withASCIIDomain("lan@bücher.example") == "lan@xn--bcher-kva.example")
        #expect(EmailAddress.withASCIIDomain("lan@example.vn") == "lan@example.vn")
        #expect(EmailAddress.withASCIIDomain("lan@mail.cầnthơ.vn") == "lan@mail.xn--cnth-ogb0965b.vn")
        #expect(EmailAddress.withASCIIDomain("lân@bücher.example") == "lân@bücher.example", "a UTF-8 local part needs SMTPUTF8 anyway")
    }

    @Test func theDomainsAgreeWithPythonsIDNA() throws {
        let domains = ["bücher.example", "mail.cầnthơ.vn", "例え.テスト", "한국.kr", "παράδειγμα.δοκιμή", "straße.de"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import idna, sys\nfor d in sys.argv[1:]: print(idna.encode(d).decode())"] + domains
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let python = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init)
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 with the idna package (scripts/setup installs it)")
        #expect(domains.map { String(EmailAddress.withASCIIDomain("x@" + $0).dropFirst(2)) } == python)
    }
}
