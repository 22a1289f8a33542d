import Foundation
@testable import OutreachCompose
import OutreachModel
import Testing

/// Invitations as recipients' mail programs will read them: every .eml is parsed by Python's
/// standard `email` package (policy=default), an independent MIME parser.
@Suite struct ComposeTests {
    func previewSample(_ w: Workspace, template: String = "new-year-gathering",
                       event: String? = "Config/events/new-year-gathering-2027.yaml") throws -> [[String: Any]] {
        #expect(try w.outreach("contacts", "import", "Config/sample-contacts.csv").status == 0)
        var args = ["campaign", "create", "c1", "--template", template]
        if let event { args += ["--event", event] }
        let created = try w.outreachArgs(args)
        #expect(created.status == 0, "\(created.stderr)")
        let r = try w.outreach("campaign", "preview", "c1", "--out", w.path("eml"))
        #expect(r.status == 0, "\(r.stderr)")
        return try parseWithPython([w.path("eml")])
    }

    @Test func subjectsAndNamesDecodeToTheExactText() throws {
        let w = try Workspace()
        let messages = try previewSample(w)
        #expect(messages.count == 47)
        func message(_ to: String) -> [String: Any]? { messages.first { $0["to_address"] as? String == to } }
        let dung = try #require(message("dung.nguyen@example.de"))
        #expect(dung["to_name"] as? String == "Nguyễn Văn Dũng")
        #expect(dung["subject"] as? String == "Thư mời: Gặp mặt người nước ngoài và kiều bào nhân dịp Tết Nguyên đán Đinh Mùi 2027")
        #expect(dung["from_name"] as? String == "Sở Ngoại vụ thành phố Cần Thơ")
        #expect((dung["text"] as? String)?.contains("Kính gửi Ông Dũng,") == true)
        let minjun = try #require(message("minjun.kim@example.kr"))
        #expect(minjun["to_name"] as? String == "김민준")
        #expect(minjun["subject"] as? String == "[초청] 2027 뗏(설) 맞이 외국인 및 해외 베트남 동포 신년 교류회")
        let daisuke = try #require(message("daisuke.takahashi@example.jp"))
        #expect(daisuke["to_name"] as? String == "高橋 大輔")
        #expect(daisuke["subject"] as? String == "【ご案内】2027年テト（旧正月）外国人・在外ベトナム人新年交流会")
    }

    @Test func partsOrderCalendarMethodAndLineFormat() throws {
        let w = try Workspace()
        for m in try previewSample(w) {
            let file = m["file"] as? String ?? "?"
            #expect(m["parts"] as? [String] == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar"], "\(file)")
            #expect(m["calendar_method_param"] as? String == "PUBLISH", "\(file)")
            #expect(m["calendar_method"] as? String == "PUBLISH", "\(file)")
            #expect((m["calendar_long_lines"] as? [String])?.isEmpty == true, "\(file)")
            #expect((m["problems"] as? [String])?.isEmpty == true, "\(file): \(m["problems"] ?? "")")
            #expect((m["defects"] as? [String])?.isEmpty == true, "\(file): \(m["defects"] ?? "")")
            #expect(m["list_unsubscribe_post"] as? String == "List-Unsubscribe=One-Click")
            #expect((m["list_unsubscribe"] as? String)?.hasPrefix("<http://localhost:8080/u/") == true)
            #expect((m["html"] as? String)?.contains("/u/") == true, "\(file): the HTML carries the unsubscribe link")
            #expect((m["text"] as? String)?.contains("/u/") == true, "\(file): the text carries the unsubscribe link")
        }
    }

    @Test func withoutAnEventThereIsNoCalendarPart() throws {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "import", "Config/sample-contacts.csv").status == 0)
        #expect(try w.outreach("campaign", "create", "ask", "--template", "consent-request").status == 0)
        #expect(try w.outreach("campaign", "preview", "ask", "--out", w.path("eml")).status == 0)
        let messages = try parseWithPython([w.path("eml")])
        #expect(messages.count == 6, "the consent request goes only to the 6 pending contacts")
        for m in messages {
            #expect(m["parts"] as? [String] == ["multipart/alternative", "text/plain", "text/html"])
            #expect((m["html"] as? String)?.contains("/c/") == true)
        }
    }

    @Test func injectedHeadersInNamesNeverBecomeHeaders() throws {
        let address = try EmailAddress("victim@example.com")
        let message = MIMEMessage(
            fromName: "Sở Ngoại vụ\r\nBcc: spy@example.net", fromAddress: "songoaivu@cantho.gov.vn",
            toName: "Lan\r\nBcc: spy@example.net\r\nX-Evil: 1", toAddress: address.value, replyTo: nil,
            subject: "Mời\r\nBcc: spy@example.net", date: Date(), messageID: "<x@cantho.gov.vn>", listID: nil,
            unsubscribeURL: nil, unsubscribeMailto: nil, text: "a", html: "<p>a</p>", calendar: nil)
        let w = try Workspace()
        let file = try w.write("evil.eml", message.bytes())
        let parsed = try #require(try parseWithPython([file]).first)
        #expect(parsed["bcc"] is NSNull)
        #expect((parsed["header_names"] as? [String])?.contains("Bcc") == false)
        #expect((parsed["header_names"] as? [String])?.contains("X-Evil") == false)
        #expect(parsed["to_name"] as? String == "Lan Bcc: spy@example.net X-Evil: 1")
        #expect(parsed["subject"] as? String == "Mời Bcc: spy@example.net")

        // The same through the importer and a real preview.
        try w.outreach("contacts", "import", try w.write("evil.csv", "email,name,consent\r\nlan@example.vn,\"Lan\r\nBcc: spy@example.net\",yes\r\n"))
        try w.outreach("campaign", "create", "e", "--template", "new-year-gathering", "--subject", "Hi\r\nBcc: spy@example.net")
        try w.outreach("campaign", "preview", "e", "--out", w.path("eml"))
        let previewed = try #require(try parseWithPython([w.path("eml")]).first)
        #expect((previewed["header_names"] as? [String])?.contains("Bcc") == false)
        #expect(previewed["to_name"] as? String == "Lan Bcc: spy@example.net")
    }

    @Test func longNamesFoldAndNoLineExceeds998Octets() throws {
        let long = String(repeating: "Nguyễn Thị Minh Khai ", count: 40)
        let message = MIMEMessage(
            fromName: "Sở Ngoại vụ thành phố Cần Thơ", fromAddress: "songoaivu@cantho.gov.vn", toName: long,
            toAddress: "lan@example.vn", replyTo: nil, subject: long, date: Date(), messageID: "<y@cantho.gov.vn>",
            listID: nil, unsubscribeURL: nil, unsubscribeMailto: nil, text: String(repeating: "ừ", count: 2000),
            html: "<p>" + String(repeating: "x", count: 3000) + "</p>", calendar: nil)
        let bytes = message.bytes()
        let header = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        for line in header.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        let w = try Workspace()
        let parsed = try #require(try parseWithPython([try w.write("long.eml", bytes)]).first)
        #expect((parsed["problems"] as? [String])?.isEmpty == true)
        // (Python's address parser keeps the folding space between two encoded-words, against
        // RFC 2047 §6.2, so a name longer than one word is compared in the unstructured Subject.)
        #expect((parsed["to_name"] as? String)?.hasPrefix("Nguyễn Thị Minh Khai") == true)
        #expect(parsed["subject"] as? String == long.trimmingCharacters(in: .whitespaces))
        // (the CRLF before a boundary belongs to the boundary, so the text ends without one)
        #expect(parsed["text"] as? String == String(repeating: "ừ", count: 2000))
    }

    @Test func previewForOneContactAndFallbackWarning() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        let created = try w.outreach("campaign", "create", "cake", "--template", "folk-cake-festival",
                                     "--event", "Config/events/folk-cake-festival-2027.yaml")
        #expect(created.stderr.contains("will get a fallback language"))
        let r = try w.outreach("campaign", "preview", "cake", "--contact", "minjun.kim@example.kr", "--out", w.path("one"))
        #expect(r.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: w.path("one"))
        #expect(files == ["minjun.kim@example.kr.eml"])
        let parsed = try #require(try parseWithPython([w.path("one")]).first)
        #expect(parsed["content_language"] as? String == "en", "a Korean resident gets English, not the template's default (Vietnamese)")
        #expect((parsed["text"] as? String)?.contains("Kính gửi") == false)
    }

    @Test func unknownTemplateEventAndSegmentAreNamed() throws {
        let w = try Workspace()
        let t = try w.outreach("campaign", "create", "x", "--template", "no-such-template")
        #expect(t.status != 0 && t.stderr.contains("unknown template \"no-such-template\""))
        let e = try w.outreach("campaign", "create", "x", "--template", "new-year-gathering", "--event", w.write("bad.yaml", "title: {en: Party}\nstart: 2027-01-30T18:00\nend: tomorrow\nvenue: {en: Hall}\norganizer_name: {en: Us}\norganizer_email: a@cantho.gov.vn\n"))
        #expect(e.status != 0 && e.stderr.contains("bad.yaml: field end: \"tomorrow\" is not a date and time"), "\(e.stderr)")
        let m = try w.outreach("campaign", "create", "x", "--template", "new-year-gathering", "--event", w.write("missing.yaml", "title: {en: Party}\n"))
        #expect(m.status != 0 && m.stderr.contains("missing.yaml: field start: is missing"), "\(m.stderr)")
        let s = try w.outreach("campaign", "create", "x", "--template", "new-year-gathering", "--segment", "kind=martian")
        #expect(s.status != 0 && s.stderr.contains("segment term \"kind=martian\""))
    }

    @Test func aCampaignKeepsTheTemplateAsItWasWhenCreated() throws {
        let w = try Workspace()
        let templates = w.folder.appendingPathComponent("Templates")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Templates"), to: templates)
        w.environment["OUTREACH_TEMPLATES_PATH"] = templates.path
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        try w.outreach("campaign", "create", "frozen", "--template", "consent-request")
        try "Changed later".write(to: templates.appendingPathComponent("consent-request/vi/subject.mustache"), atomically: true, encoding: .utf8)
        try w.outreach("campaign", "preview", "frozen", "--out", w.path("eml"))
        for m in try parseWithPython([w.path("eml")]) { #expect(m["subject"] as? String != "Changed later") }
    }
}
