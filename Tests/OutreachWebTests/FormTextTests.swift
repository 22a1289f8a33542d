import Testing
@testable import OutreachWeb

/// What a browser's urlencoded form posts, read back as the person typed it.
@Suite struct FormTextTests {
    @Test func namesAndValuesAreDecodedInOrder() {
        let fields = PublicPage.urlencoded("List-Unsubscribe=One-Click&name=Nguy%E1%BB%85n+V%C4%83n+A&topic=a&topic=b&flag&=nameless")
        #expect(fields.map(\.name) == ["List-Unsubscribe", "name", "topic", "topic", "flag"])
        #expect(fields.map(\.value) == ["One-Click", "Nguyễn Văn A", "a", "b", ""])
    }

    @Test func plusIsASpaceAndAnEscapedPlusIsAPlus() {
        #expect(PublicPage.urlencoded("q=1+1%2B2%3d%3D")[0].value == "1 1+2==")
    }

    @Test func brokenEscapesAndBytesThatAreNotUTF8GiveNothing() {
        for broken in ["v=%", "v=%4", "v=%zz", "v=ab%C3", "v=%FF%FE"] {
            #expect(PublicPage.urlencoded(broken).first?.value == "", "\(broken)")
        }
    }
}
