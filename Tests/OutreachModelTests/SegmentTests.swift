import Testing
@testable import OutreachModel

@Suite struct SegmentTests {
    @Test func readsTermsAndNamesABadOne() throws {
        let s = try Segment("kind=overseas_vietnamese country=DE,FR consent=granted")
        #expect(s.terms.count == 3)
        #expect(s.description == "kind=overseas_vietnamese country=DE,FR consent=granted")
        #expect { try Segment("country=DE colour=red") } throws: { "\($0)" == "segment term \"colour=red\": \"colour\" is not one of kind, country, language, city, tag, consent, rsvp, attended" }
        #expect { try Segment("kind=alien") } throws: { "\($0)".hasPrefix("segment term \"kind=alien\"") }
        #expect { try Segment("country") } throws: { "\($0)" == "segment term \"country\": is not key=value" }
    }
}
