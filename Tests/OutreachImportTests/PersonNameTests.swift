import Testing
@testable import OutreachImport
import OutreachCompose
import OutreachModel
import OutreachRegister

@Suite struct PersonNameTests {
    func full(_ family: String, _ middle: String = "", _ given: String, language: String? = nil, country: String? = nil) -> String? {
        PersonName(family: family, middle: middle, given: given).fullName(language: language, country: country)
    }

    @Test func vietnameseNamesRunFamilyMiddleGiven() {
        #expect(full("Nguyễn", "Văn", "Dũng") == "Nguyễn Văn Dũng")
        #expect(full("Nguyễn", "", "Văn Dũng") == "Nguyễn Văn Dũng")
        // Diacritics decide even when the contact reads English.
        #expect(full("Trần", "Thị", "Hương", language: "en") == "Trần Thị Hương")
    }

    @Test func aCommonVietnameseFamilyNameWithoutAccentsCounts() {
        #expect(full("Nguyen", "Van", "Dung") == "Nguyen Van Dung")
        #expect(full("Le", "", "Thu", language: "vi") == "Le Thu")
        // …unless the contact's language says the person writes it the Western way.
        #expect(full("Nguyen", "", "Kevin", language: "en") == "Kevin Nguyen")
    }

    @Test func japaneseChineseAndKoreanPutTheFamilyFirst() {
        #expect(full("佐藤", "", "遥") == "佐藤 遥")
        #expect(full("田中", "", "はなこ") == "田中 はなこ")
        #expect(full("王", "", "芳") == "王芳")
        #expect(full("王", "", "芳", language: "ja") == "王 芳")
        #expect(full("欧阳", "", "娜", language: "zh") == "欧阳娜")
        #expect(full("김", "", "민준") == "김민준")
        #expect(full("Kim", "", "Minjun", language: "ko") == "Kim Minjun")
    }

    @Test func othersRunGivenMiddleFamily() {
        #expect(full("Miller", "", "Sarah") == "Sarah Miller")
        #expect(full("Dupont", "Marie", "Élodie", language: "fr") == "Élodie Marie Dupont")
        // French, Romanian and Croatian letters are not Vietnamese ones.
        #expect(full("Lefèvre", "", "Jérôme") == "Jérôme Lefèvre")
        #expect(full("Đurić", "", "Ana") == "Ana Đurić")
        #expect(full("Bălan", "", "Ioana") == "Ioana Bălan")
    }

    @Test func theCountryDoesNotTurnAForeignResidentsName() {
        #expect(full("Smith", "", "John", country: "VN") == "John Smith")
        #expect(full("Müller", "", "Peter", country: "JP") == "Peter Müller")
    }

    @Test func missingPartsAreSkippedAndNoPartsIsNoName() {
        #expect(full("", "", "Dũng") == "Dũng")
        #expect(full("  Miller ", "", "") == "Miller")
        #expect(full("", "", "") == nil)
    }

    @Test func salutationsWorkWithTheComposedNames() {
        let dung = full("Nguyễn", "Văn", "Dũng")!
        #expect(Salutation.greeting(name: dung, addressedAs: nil, honorific: "Ông", kind: .other, contactLanguage: "vi", language: "vi")
                == "Kính gửi Ông Dũng")
        let haruka = full("佐藤", "", "遥")!
        #expect(Salutation.greeting(name: haruka, addressedAs: nil, honorific: nil, kind: .other, contactLanguage: "ja", language: "ja")
                == "佐藤 遥様")
        let sarah = full("Miller", "", "Sarah")!
        #expect(Salutation.greeting(name: sarah, addressedAs: nil, honorific: "Ms", kind: .other, contactLanguage: "en", language: "en")
                == "Dear Ms Miller")
    }
}
