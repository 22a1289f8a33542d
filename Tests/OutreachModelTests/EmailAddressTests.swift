import Testing
@testable import OutreachModel

@Suite struct EmailAddressTests {
    @Test func normalizesSpacesZeroWidthDomainCaseAndNFC() throws {
        let a = try EmailAddress("  Hoa.Nguyen\u{200B}@Example.DE ")
        #expect(a.value == "Hoa.Nguyen@example.de")
        #expect(a.key == "hoa.nguyen@example.de")
        let nfd = try EmailAddress("thu\u{0301}y@ví-dụ.vn".decomposedStringWithCanonicalMapping)
        #expect(nfd.value == "thúy@ví-dụ.vn")
    }

    @Test func aPlainAddressIsItsOwnKeyAndOnlyTrimmedOrUpperCaseOnesChange() throws {
        for (text, value, key) in [("lan.nguyen.0000042@example.de", "lan.nguyen.0000042@example.de", "lan.nguyen.0000042@example.de"),
                                   ("Lan@Example.DE", "Lan@example.de", "lan@example.de"),
                                   (" lan@example.de\t", "lan@example.de", "lan@example.de"),
                                   ("lan@EXAMPLE.de ", "lan@example.de", "lan@example.de")] {
            let address = try EmailAddress(text)
            #expect(address.value == value && address.key == key, "\(text)")
        }
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress("lan@example.123") }
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress("lan..hoa@example.de") }
    }

    @Test(arguments: [
        ("an@", "has a bad domain (empty)"),
        ("an", "has no @"),
        ("a@b@c.de", "has more than one @"),
        ("a b@c.de", "contains a space"),
        ("ab@localhost", "has a bad domain (no dot)"),
        ("ab@-x.de", "has a bad domain (label starts or ends with -)"),
        ("@c.de", "has nothing before the @"),
    ])
    func rejectsWithAReason(text: String, reason: String) {
        #expect(throws: EmailAddress.Problem.self) { try EmailAddress(text) }
        do { _ = try EmailAddress(text) } catch { #expect(error.description == reason) }
    }

    @Test func acceptsInternationalizedDomainsAndLocalParts() throws {
        #expect(try EmailAddress("lan@bücher.de").domain == "bücher.de")
        #expect(try EmailAddress("người@ví-dụ.vn").needsSMTPUTF8)
        #expect(try !EmailAddress("lan@example.com").needsSMTPUTF8)
    }
}
