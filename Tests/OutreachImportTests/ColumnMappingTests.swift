import Testing
@testable import OutreachImport
import OutreachModel

@Suite struct ColumnMappingTests {
    @Test func vietnameseAndEnglishHeadersAnyCaseAndAccents() throws {
        let m = try ColumnMapping(headers: ["Địa chỉ Email", "HỌ VÀ TÊN", "Quoc gia", "Thành phố", "Ngôn ngữ", "Đối tượng",
                                            "Đồng ý nhận thư", "Nguồn đồng ý", "Cơ quan", "Nhãn", "Ghi chú"])
        #expect(m.columns[.email] == 0 && m.columns[.name] == 1 && m.columns[.country] == 2 && m.columns[.city] == 3)
        #expect(m.columns[.language] == 4 && m.columns[.kind] == 5 && m.columns[.consent] == 6 && m.columns[.evidence] == 7)
        #expect(m.columns[.organization] == 8 && m.columns[.tags] == 9)
        #expect(m.attributes.map(\.name) == ["Ghi chú"])
        let en = try ColumnMapping(headers: ["E-mail", "Full Name", "Group", "Consent Source"])
        #expect(en.columns[.email] == 0 && en.columns[.name] == 1 && en.columns[.kind] == 2 && en.columns[.evidence] == 3)
    }

    @Test func noEmailColumnIsAnErrorNamingTheHeaders() {
        #expect { try ColumnMapping(headers: ["Name", "Phone"]) } throws: { error in
            "\(error)".contains("no email column") && "\(error)".contains("\"Phone\"")
        }
    }

    @Test func mapOptionNamesAColumn() throws {
        let m = try ColumnMapping(headers: ["Hộp thư liên hệ", "Tên"], overrides: ["Hộp thư liên hệ=email", "Tên=name"])
        #expect(m.columns[.name] == 1 && m.columns[.email] == 0)
        #expect { try ColumnMapping(headers: ["mail"], overrides: ["mail=phone"]) } throws: { "\($0)".contains("\"phone\" is not a field") }
    }

    @Test func everyFieldIsFoundAtItsPlace() throws {
        #expect(ContactField.allCases.map(\.ordinal) == Array(ContactField.allCases.indices))
        let headers = ContactField.allCases.map(\.rawValue)
        let m = try ColumnMapping(headers: headers, overrides: headers.map { "\($0)=\($0)" })
        for (index, field) in ContactField.allCases.enumerated() { #expect(m.column(field) == index, "\(field)") }
    }
}
