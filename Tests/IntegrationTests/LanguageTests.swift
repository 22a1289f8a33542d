import Foundation
import Testing

/// The office's own language and clock: what staff read with LANG=vi_VN.UTF-8 (or ui.language: vi)
/// and with LANG=en_US.UTF-8, times in office time, files Excel opens right.
@Suite struct LanguageTests {
    /// A workspace whose commands run with `LANG`.
    static func workspace(lang: String) throws -> Workspace {
        let w = try Workspace()
        w.environment["LANG"] = lang
        return w
    }

    @Test func helpReadsInTheLocalesLanguage() throws {
        let vi = try Self.workspace(lang: "vi_VN.UTF-8"), en = try Self.workspace(lang: "en_US.UTF-8")
        let top = try vi.run(outreachBinary, ["--help"])
        #expect(top.stdout.contains("Chương trình gửi thư mời") && top.stdout.contains("Tạo, xem trước, phát hành"), "\(top.stdout)")
        let launch = try vi.run(outreachBinary, ["campaign", "launch", "--help"])
        #expect(launch.stdout.contains("Đưa thư của chiến dịch vào hàng đợi") && launch.stdout.contains("giờ cơ quan"), "\(launch.stdout)")
        let english = try en.run(outreachBinary, ["campaign", "launch", "--help"])
        #expect(english.stdout.contains("Queue the campaign's messages") && !english.stdout.contains("hàng đợi"), "\(english.stdout)")
    }

    @Test func uiLanguageInTheConfigurationWinsOverTheLocale() throws {
        let w = try Self.workspace(lang: "en_US.UTF-8")
        let config = try w.write("outreach.yaml", "ui:\n  language: vi\ntemplates:\n  path: \(repositoryRoot.path)/Templates\n")
        let r = try w.outreach("--config", config, "campaign", "status", "nope")
        #expect(r.status != 0 && r.stderr.contains("không có chiến dịch \"nope\""), "\(r.stderr)")
        w.environment["OUTREACH_UI_LANGUAGE"] = "fr"
        let bad = try w.outreach("--config", config, "campaign", "list")
        #expect(bad.status != 0)
    }

    @Test func errorsReadInVietnamese() throws {
        let w = try Self.workspace(lang: "vi_VN.UTF-8")
        let template = try w.outreach("campaign", "create", "x", "--template", "no-such-template")
        #expect(template.status != 0 && template.stderr.contains("không có mẫu thư \"no-such-template\""), "\(template.stderr)")
        let event = try w.write("bad.yaml", """
            title: {vi: Gặp mặt}
            start: 2027-01-30T18:00
            end: 2027-01-30T21:00
            time_zone: Asia/Can_Tho
            venue: {vi: Hội trường}
            organizer_name: {vi: Sở Ngoại vụ}
            organizer_email: songoaivu@cantho.gov.vn
            """)
        let created = try w.outreach("campaign", "create", "y", "--template", "new-year-gathering", "--event", event)
        #expect(created.status != 0 && created.stderr.contains("trường time_zone: \"Asia/Can_Tho\" không phải là múi giờ"), "\(created.stderr)")
        let file = try w.write("people.csv", "email,name\nan@example.org,An\nbinh@,Bình\n")
        let imported = try w.outreach("contacts", "import", file)
        #expect(imported.stderr.contains("dòng 3: email \"binh@\" có tên miền không hợp lệ (để trống)"), "\(imported.stderr)")
    }

    @Test func doctorReadsInVietnamese() throws {
        let w = try Self.workspace(lang: "vi_VN.UTF-8")
        let r = try w.outreach("doctor", "--timeout", "1")
        #expect(r.stdout.contains("đạt  cấu hình") && r.stdout.contains("mục kiểm tra"), "\(r.stdout)")
        let json = try w.outreach("doctor", "--timeout", "1", "--format", "json")
        #expect(json.stdout.contains("\"check\" : \"configuration\""), "JSON names the checks in English: \(json.stdout)")
    }

    /// `--at` without an offset is office time (Asia/Ho_Chi_Minh, +07:00); status shows it back so.
    @Test func aLaunchTimeWithoutOffsetIsOfficeTime() throws {
        let w = try Self.workspace(lang: "vi_VN.UTF-8")
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        let launched = try w.outreach("campaign", "launch", "tet", "--at", "2027-01-20T09:00")
        #expect(launched.status == 0 && launched.stdout.contains("2027-01-20 09:00 (+07:00)"), "\(launched.stdout)\(launched.stderr)")
        #expect(try w.sql("SELECT scheduled_at_ms FROM campaigns WHERE slug = 'tet'") == "\(Int64(1_800_410_400) * 1000)", "02:00 UTC")
        let status = try w.outreach("campaign", "status", "tet")
        #expect(status.stdout.contains("tet: đã hẹn giờ") && status.stdout.contains("bắt đầu gửi lúc 2027-01-20 09:00 (+07:00)"), "\(status.stdout)")
        let json = try w.outreach("campaign", "status", "tet", "--format", "json")
        #expect(json.stdout.contains("\"scheduled_at\" : \"2027-01-20T09:00:00+07:00\""), "\(json.stdout)")
        let list = try w.outreach("campaign", "list")
        #expect(list.stdout.contains("2027-01-20 09:00 (+07:00)") && list.stdout.contains("trạng thái"), "\(list.stdout)")
    }

    /// Every CSV written starts with a UTF-8 BOM; `campaign rsvps` has a row per invited person.
    @Test func csvFilesStartWithABOMAndRSVPsListEveryoneInvited() throws {
        let w = try Self.workspace(lang: "en_US.UTF-8")
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        try w.outreach("campaign", "launch", "tet")
        let one = try w.sql("SELECT contact_id FROM outbox WHERE campaign_id = 1 ORDER BY contact_id LIMIT 1")
        _ = try w.sql("INSERT INTO rsvps (campaign_id, contact_id, answer, guests, answered_at) VALUES (1, \(one), 'yes', 2, '2027-01-10T03:30:00Z')")
        let list = try w.outreach("contacts", "list", "--format", "csv")
        #expect(Array(list.stdout.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rsvps = try w.outreach("campaign", "rsvps", "tet", "--format", "csv")
        #expect(Array(rsvps.stdout.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = parseCSV(String(rsvps.stdout.dropFirst()))
        #expect(rows.first == ["email", "name", "language", "answer", "guests", "seat", "answered_at"])
        #expect(rows.count - 1 == 47, "one row per invited person")
        #expect(rows.filter { $0.count > 3 && $0[3] == "yes" }.count == 1)
        #expect(rows.filter { $0.count > 3 && $0[3] == "none" }.count == 46)
        #expect(rows.contains { $0.count > 6 && $0[6] == "2027-01-10 10:30 (+07:00)" })
        #expect(rsvps.stderr.contains("47 invited: 1 yes (+2 guests), 0 no, 46 not answered"), "\(rsvps.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(try w.outreach("campaign", "rsvps", "tet", "--format", "json").stdout.utf8)) as? [[String: Any]]
        #expect(json?.count == 47)
        #expect(json?.allSatisfy { $0["email"] is String && $0["answer"] is String && $0["guests"] is Int && $0.keys.contains("seat") } == true)
    }
}

/// Imports say what they did: the columns kept as attributes, and the rows that named one person.
@Suite struct ImportSummaryTests {
    @Test func typeIsTheKindAndUnknownColumnsAreListed() throws {
        let w = try Workspace()
        let file = try w.write("people.csv", "Email,Name,Type,Hobby\nan@example.org,An,foreign resident,chess\n")
        let r = try w.outreach("contacts", "import", file)
        #expect(r.stdout.contains("kept as attributes (no field of that name): \"Hobby\""), "\(r.stdout)")
        #expect(!r.stdout.contains("\"Type\""))
        #expect(try w.show("an@example.org")?["kind"] as? String == "foreign_resident")
        let vi = try Workspace()
        vi.environment["LANG"] = "vi_VN.UTF-8"
        let loai = try vi.write("nguoi.csv", "Email,Họ và tên,Loại,Sở thích\nan@example.org,An,kiều bào,cờ tướng\n")
        let imported = try vi.outreach("contacts", "import", loai)
        #expect(imported.stdout.contains("lưu thành thuộc tính bổ sung (không khớp trường nào): \"Sở thích\""), "\(imported.stdout)")
        #expect(try vi.show("an@example.org")?["kind"] as? String == "overseas_vietnamese")
    }

    @Test func theLaterRowOfOnePersonWinsWholeAndBothRowsAreNamed() throws {
        let w = try Workspace()
        let file = try w.write("people.csv", """
            email,name,city,organization
            an@example.org,Nguyễn An,Cần Thơ,Đại học Cần Thơ
            binh@example.org,Bình,,
            AN@example.org,An Nguyen,,
            """)
        let r = try w.outreach("contacts", "import", file)
        #expect(r.stdout.contains("AN@example.org: rows 2 and 4 name the same person; row 4 was taken whole"), "\(r.stdout)")
        let an = try w.show("an@example.org")
        #expect(an?["name"] as? String == "An Nguyen")
        #expect(an?["city"] == nil || an?["city"] is NSNull, "no field of row 2 mixed in: \(String(describing: an))")
        #expect(an?["organization"] == nil || an?["organization"] is NSNull)
    }
}
