import Testing
@testable import OutreachModel

@Suite struct SegmentTests {
    @Test func readsTermsAndNamesABadOne() throws {
        let s = try Segment("kind=overseas_vietnamese country=DE,FR consent=granted")
        #expect(s.terms.count == 3)
        #expect(s.description == "kind=overseas_vietnamese country=DE,FR consent=granted")
        #expect { try Segment("country=DE colour=red") } throws: { "\($0)" == "segment term \"colour=red\": \"colour\" is not one of kind, country, language, city, tag, consent, topic, rsvp, attended" }
        #expect { try Segment("kind=alien") } throws: { "\($0)".hasPrefix("segment term \"kind=alien\"") }
        #expect { try Segment("country") } throws: { "\($0)" == "segment term \"country\": is not key=value" }
    }
}

@Suite struct TopicTests {
    @Test func aTopicTermNamesTopicsAndABadNameIsRefused() throws {
        #expect(try Segment("topic=culture,tet").description == "topic=culture,tet")
        #expect { try Segment("topic=Văn") } throws: { "\($0)".hasPrefix("segment term \"topic=Văn\": \"Văn\" is not a topic name") }
    }

    @Test func theConfigurationsTopicsAreReadWithTheirTitlesAndCheckedByKey() throws {
        let topics = try Topic.fromConfiguration("topics:\n  yoga:\n    vi: Yoga\n    en: Yoga Day\n", file: "o.yaml")
        #expect(topics == [Topic(name: "yoga", titles: ["vi": "Yoga", "en": "Yoga Day"])])
        #expect(try Topic.fromConfiguration("smtp:\n  url: x\n", file: "o.yaml") == nil)
        #expect { try Topic.fromConfiguration("topics:\n  yoga:\n    fr: Yoga\n", file: "o.yaml") } throws: {
            "\($0)" == "configuration topics.yoga: needs at least a vi and an en title"
        }
        #expect(PauseDate.parse("2027-02-29") == nil && PauseDate.parse("2028-02-29") == "2028-02-29" && PauseDate.parse("soon") == nil)
    }
}
