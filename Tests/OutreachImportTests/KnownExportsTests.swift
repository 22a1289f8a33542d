import Testing
@testable import OutreachImport
import OutreachCompose
import OutreachModel
import OutreachRegister

@Suite struct KnownExportsTests {
    static let google = ["First Name", "Middle Name", "Last Name", "Phonetic First Name", "Name Prefix", "Nickname", "File As",
                         "Organization Name", "Organization Title", "Birthday", "Notes", "Labels", "E-mail 1 - Label",
                         "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value", "Phone 1 - Label", "Phone 1 - Value",
                         "Address 1 - Label", "Address 1 - City", "Address 1 - Country", "Address 2 - Label", "Address 2 - City",
                         "Address 2 - Country"]
    static let olderGoogle = ["Name", "Given Name", "Additional Name", "Family Name", "Name Prefix", "Language", "Group Membership",
                              "E-mail 1 - Type", "E-mail 1 - Value", "Organization 1 - Name", "Address 1 - City", "Address 1 - Country"]
    static let outlook = ["Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department", "Job Title",
                          "Business City", "Business Country/Region", "Home City", "Home Country/Region", "Categories",
                          "E-mail Address", "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
                          "E-mail 2 Display Name", "Notes"]

    func row(_ headers: [String], _ values: [String: String]) -> [String] { headers.map { values[$0] ?? "" } }

    /// The record as the CSV path reads it: field name → value.
    func read(_ export: KnownExport, _ fields: [String]) -> [String: String] {
        let extra = export.otherColumns.map { fields[$0] }
        let record = export.contact(fields).record(row: 2, extra: extra, readings: .init()).record
        return Dictionary(uniqueKeysWithValues: zip(SourceContact.header + export.otherHeaders, record.fields))
    }

    @Test func theThreeExportsAreRecognizedByTheirHeaders() {
        #expect(KnownExport(headers: Self.google)?.format == .googleContacts)
        #expect(KnownExport(headers: Self.olderGoogle)?.format == .olderGoogleContacts)
        #expect(KnownExport(headers: Self.outlook)?.format == .outlook)
        #expect(KnownExport(headers: ["Email", "Name", "Country", "Consent"]) == nil)
        #expect(KnownExport(headers: ["E-mail Address", "Name"]) == nil)
    }

    @Test func googleNamePartsLabelsAndTheFirstAddress() throws {
        let export = try #require(KnownExport(headers: Self.google))
        let r = read(export, row(Self.google, [
            "First Name": "Văn Dũng", "Last Name": "Nguyễn", "Name Prefix": "Ông", "Organization Name": "Hội người Việt Leipzig",
            "Labels": "* myContacts ::: Tết 2026 ::: * starred", "E-mail 1 - Label": "* Home",
            "E-mail 1 - Value": "dung@example.de ::: dung.nguyen@example.de", "E-mail 2 - Value": "DUNG@example.de",
            "Phone 1 - Value": "+49 341 000", "Address 1 - City": "Leipzig", "Address 1 - Country": "Germany",
            "Address 2 - City": "Cần Thơ", "Address 2 - Country": "Việt Nam",
        ]))
        #expect(r["name"] == "Nguyễn Văn Dũng")
        #expect(r["honorific"] == "Ông")
        #expect(r["email"] == "dung@example.de")
        #expect(r["other emails"] == "dung.nguyen@example.de")
        #expect(r["tags"] == "Tết 2026|starred")
        #expect(r["organization"] == "Hội người Việt Leipzig")
        #expect(r["city"] == "Leipzig" && r["country"] == "Germany")
        #expect(r["Phone 1 - Value"] == "+49 341 000")
        #expect(r["E-mail 2 - Value"] == nil && r["Labels"] == nil)
    }

    @Test func googlesStarredLabelMarksThePrimaryAddress() throws {
        let export = try #require(KnownExport(headers: Self.google))
        let r = read(export, row(Self.google, [
            "E-mail 1 - Label": "Work", "E-mail 1 - Value": "work@example.org",
            "E-mail 2 - Label": "* Home", "E-mail 2 - Value": "home@example.org",
        ]))
        #expect(r["email"] == "home@example.org")
        #expect(r["other emails"] == "work@example.org")
    }

    @Test func aFullNameColumnWinsOverTheParts() throws {
        let export = try #require(KnownExport(headers: Self.olderGoogle))
        let r = read(export, row(Self.olderGoogle, [
            "Name": "Sato Haruka", "Given Name": "遥", "Family Name": "佐藤", "Language": "ja",
            "Group Membership": "* My Contacts ::: Yoga Day", "E-mail 1 - Value": "haruka@example.jp",
        ]))
        #expect(r["name"] == "Sato Haruka")
        #expect(r["language"] == "ja")
        #expect(r["tags"] == "Yoga Day")
    }

    @Test func outlookNamesCategoriesAndTheHomeAddress() throws {
        let export = try #require(KnownExport(headers: Self.outlook))
        let r = read(export, row(Self.outlook, [
            "Title": "Ms", "First Name": "Sarah", "Middle Name": "Jane", "Last Name": "Miller", "Company": "Yoga Alliance",
            "Business City": "Sydney", "Business Country/Region": "Australia", "Home City": "Cần Thơ",
            "Home Country/Region": "Việt Nam", "Categories": "Yoga Day;Partners", "E-mail Address": "sarah@example.com.au",
            "E-mail Type": "SMTP", "E-mail Display Name": "Sarah Miller (sarah@example.com.au)",
        ]))
        #expect(r["name"] == "Sarah Jane Miller")
        #expect(r["honorific"] == "Ms")
        #expect(r["email"] == "sarah@example.com.au" && r["other emails"] == "")
        #expect(r["city"] == "Cần Thơ" && r["country"] == "Việt Nam")
        #expect(r["tags"] == "Yoga Day;Partners")
        #expect(r["organization"] == "Yoga Alliance")
    }

    @Test func anAddressWithoutAnAtSignIsNotTakenFirst() throws {
        let export = try #require(KnownExport(headers: Self.outlook))
        let r = read(export, row(Self.outlook, [
            "E-mail Address": "/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=minh", "E-mail Type": "EX",
            "E-mail 2 Address": "minh@example.vn",
        ]))
        #expect(r["email"] == "minh@example.vn")
    }

    @Test func aHandAddedColumnOfAFieldFillsItWhenTheExportsOwnIsEmpty() throws {
        let headers = ["E-mail Address", "First Name", "Last Name", "Company", "Country", "Consent"]
        let export = try #require(KnownExport(headers: headers))
        let r = read(export, ["lan@example.vn", "Lan", "Trần", "", "VN", "yes"])
        #expect(r["country"] == "VN")
        #expect(r["name"] == "Trần Lan")
        #expect(r["Consent"] == "yes")
        // The record maps without a conflict: the consent column is read as a consent column.
        let mapping = try ColumnMapping(headers: SourceContact.header + export.otherHeaders)
        #expect(mapping.column(.consent) == SourceContact.header.count)
    }

    @Test func aMapOptionOnARecognizedColumnTurnsRecognitionOff() throws {
        let export = try #require(KnownExport(headers: Self.outlook))
        #expect(export.isOverridden(by: ["E-mail 2 Address=email"]))
        #expect(!export.isOverridden(by: ["Notes=ignore"]))
    }
}
