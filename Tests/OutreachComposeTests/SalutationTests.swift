import Testing
@testable import OutreachCompose
import OutreachLinks
import OutreachModel

@Suite struct SalutationTests {
    func greet(_ name: String, _ addressedAs: String? = nil, _ honorific: String? = nil, kind: ContactKind = .other,
               contact: String? = nil, in language: String) -> String {
        Salutation.greeting(name: name, addressedAs: addressedAs, honorific: honorific, kind: kind, contactLanguage: contact, language: language)
    }

    @Test func vietnameseNamesUseHonorificAndGivenName() {
        #expect(greet("Nguyễn Văn Dũng", nil, "Ông", kind: .overseasVietnamese, contact: "vi", in: "vi") == "Kính gửi Ông Dũng")
        #expect(greet("Trần Thị Hương", nil, "chị", contact: "vi", in: "vi") == "Kính gửi Chị Hương")
        #expect(greet("Lê Minh Tuấn", "Tuấn", "anh", contact: "vi", in: "vi") == "Kính gửi Anh Tuấn")
        #expect(greet("Phạm Văn Bình", "Bình", "Ông", kind: .overseasVietnamese, in: "en") == "Dear Mr Bình")
    }

    @Test func respectfulGeneralFormsWhenNothingIsKnown() {
        #expect(greet("", in: "vi") == "Kính gửi Quý vị")
        #expect(greet("", in: "en") == "Dear friend")
        #expect(greet("", in: "fr") == "Madame, Monsieur")
        #expect(greet("", in: "ja") == "皆様")
        #expect(greet("", in: "ko") == "귀하께")
        #expect(greet("", in: "zh") == "尊敬的朋友")
    }

    @Test func westernAndEastAsianNames() {
        #expect(greet("John Smith", nil, "Mr", contact: "en", in: "en") == "Dear Mr Smith")
        #expect(greet("Claire Dubois", nil, "Mme", contact: "fr", in: "fr") == "Madame Dubois")
        #expect(greet("田中 花子", contact: "ja", in: "ja") == "田中 花子様")
        #expect(greet("김민준", contact: "ko", in: "ko") == "김민준 님께")
        #expect(greet("王芳", nil, "Ms", contact: "zh", in: "zh") == "尊敬的王芳女士")
        #expect(greet("John Smith", nil, "Mr", contact: "en", in: "vi") == "Kính gửi Ông John Smith")
    }
}
