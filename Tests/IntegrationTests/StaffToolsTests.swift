import Foundation
import Testing

/// `campaign test --as/--language`: the message a person would receive, sent to staff's address,
/// read back from smtp-sink by Python's `email` package.
@Suite struct CampaignTestSendTests {
    static func workspace() throws -> (Workspace, SMTPSink) {
        let w = try Workspace()
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(sink.port)"
        return (w, sink)
    }

    /// The one message smtp-sink received, parsed.
    static func received(_ w: Workspace, _ sink: SMTPSink) throws -> (recipient: String, mail: [String: Any]) {
        let got = try #require(sink.messages().first)
        let mail = try #require(try parseWithPython([try w.write("test-\(UUID().uuidString).eml", got.body)]).first)
        return (got.recipient, mail)
    }

    @Test func asAContactItIsTheirMessageSentToStaff() throws {
        let (w, sink) = try Self.workspace()
        defer { sink.stop() }
        let r = try w.outreach("campaign", "test", "tet", "--to", "staff@cantho.gov.vn", "--as", "dung.nguyen@example.de")
        #expect(r.status == 0 && r.stdout.contains("dung.nguyen@example.de"), "\(r.stdout)\(r.stderr)")
        let (recipient, mail) = try Self.received(w, sink)
        #expect(recipient == "staff@cantho.gov.vn")
        #expect(mail["content_language"] as? String == "vi")
        #expect((mail["subject"] as? String)?.hasPrefix("[TEST] ") == true)
        let text = try #require(mail["text"] as? String)
        #expect(text.contains("Ông Dũng") || text.contains("ông Dũng"), "their form of address: \(text.prefix(400))")
        // Their own links: the same unsubscribe address their invitation carries.
        let out = w.path("preview")
        #expect(try w.outreach("campaign", "preview", "tet", "--contact", "dung.nguyen@example.de", "--out", out).status == 0)
        let preview = try #require(try parseWithPython([out]).first)
        #expect(mail["list_unsubscribe"] as? String == preview["list_unsubscribe"] as? String, "\(String(describing: mail["list_unsubscribe"]))")
        #expect(mail["to_address"] as? String == "dung.nguyen@example.de", "the person's own headers")
    }

    @Test func inALanguageItIsWrittenInThatLanguage() throws {
        let (w, sink) = try Self.workspace()
        defer { sink.stop() }
        let r = try w.outreach("campaign", "test", "tet", "--to", "staff@cantho.gov.vn", "--as", "dung.nguyen@example.de", "--language", "ja")
        #expect(r.status == 0, "\(r.stderr)")
        let (_, mail) = try Self.received(w, sink)
        #expect(mail["content_language"] as? String == "ja")
        #expect((mail["text"] as? String)?.contains("Dũng") == true, "still composed for the person")
    }

    @Test func anUnknownPersonOrLanguageIsRefusedAndNothingIsSent() throws {
        let (w, sink) = try Self.workspace()
        defer { sink.stop() }
        let nobody = try w.outreach("campaign", "test", "tet", "--to", "staff@cantho.gov.vn", "--as", "nobody@example.org")
        #expect(nobody.status != 0 && nobody.stderr.contains("nobody@example.org"), "\(nobody.stderr)")
        let klingon = try w.outreach("campaign", "test", "tet", "--to", "staff@cantho.gov.vn", "--language", "tlh")
        #expect(klingon.status != 0 && klingon.stderr.contains("--language tlh"), "\(klingon.stderr)")
        #expect(sink.messages().isEmpty)
    }
}

/// Shell completions: the bash script argument-parser generates, run in a real bash, asks the
/// binary for the register's campaigns and the templates.
@Suite struct CompletionTests {
    /// What bash offers for `line` (completed at its end).
    static func completions(_ w: Workspace, _ script: String, _ line: String) throws -> [String] {
        let driver = """
            source '\(script)'
            COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}
            read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=('')
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMPREPLY=()
            _outreach outreach "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try w.run("/bin/bash", ["-c", driver])
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.split(separator: "\n").map(String.init).filter { !$0.isEmpty }.sorted()
    }

    @Test func bashCompletesCampaignSlugsAndTemplateNames() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        for slug in ["tet-2027", "tet-nhac", "hoi-cho"] {
            #expect(try w.outreach("campaign", "create", slug, "--template", "new-year-gathering",
                                   "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        }
        let script = try w.write("outreach.bash", try w.run(outreachBinary, ["--generate-completion-script", "bash"]).stdout)
        w.environment["PATH"] = URL(fileURLWithPath: outreachBinary).deletingLastPathComponent().path + ":/usr/bin:/bin"
        w.environment["OUTREACH_DATABASE_PATH"] = w.database
        #expect(try Self.completions(w, script, "outreach campaign launch tet") == ["tet-2027", "tet-nhac"])
        #expect(try Self.completions(w, script, "outreach campaign status ") == ["hoi-cho", "tet-2027", "tet-nhac"])
        #expect(try Self.completions(w, script, "outreach campaign create x --template new") == ["new-year-gathering"])
        let templates = try Self.completions(w, script, "outreach campaign create x --template ")
        #expect(templates.contains("folk-cake-festival") && templates.contains("event-reminder") && !templates.contains("pages"), "\(templates)")
        // --database on the line wins; a database that does not exist is not created.
        let missing = w.path("none.sqlite")
        #expect(try Self.completions(w, script, "outreach campaign pause --database \(missing) ") == [])
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}

/// `contacts list` lines its columns up on a terminal whatever the script of the names: checked
/// with Python's `unicodedata` (East Asian Width W/F is two columns, a combining mark none).
@Suite struct DisplayWidthTableTests {
    @Test func columnsAlignWithJapaneseChineseKoreanAndVietnameseNames() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", try w.write("people.csv", """
            email,name,kind,country,language,consent,consent_source
            sato@example.jp,佐藤 花子,foreign_resident,JP,ja,yes,form
            wang@example.cn,王小明,foreign_resident,CN,zh,yes,form
            kim@example.kr,김민준,foreign_resident,KR,ko,yes,form
            an@example.vn,Nguyễn Thị Ánh,overseas_vietnamese,VN,vi,yes,form
            decomposed@example.vn,Nguye\u{302}\u{303}n Va\u{306}n A,overseas_vietnamese,VN,vi,yes,form
            ann@example.org,Ann Lee,other,GB,en,yes,form
            """))
        let list = try w.outreach("contacts", "list")
        let lines = list.stdout.split(separator: "\n").dropLast().map(String.init)
        #expect(lines.count == 7, "\(list.stdout)")
        let checker = """
            import sys, unicodedata
            def width(s):
                return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ('Mn', 'Me', 'Cf')
                           else 2 if unicodedata.east_asian_width(c) in ('W', 'F') else 1 for c in s)
            for line in sys.stdin.read().split('\\n'):
                # where the kind column starts: the display width of what precedes it
                for kind in ('kind', 'foreign_resident', 'overseas_vietnamese', 'other'):
                    i = line.find('  ' + kind + ' ')
                    if i >= 0:
                        print(width(line[:i + 2]))
                        break
            """
        let r = try w.run("/usr/bin/python3", ["-c", checker], stdin: lines.joined(separator: "\n"))
        let columns = Set(r.stdout.split(separator: "\n"))
        #expect(r.stdout.split(separator: "\n").count == 7, "\(r.stdout)\(r.stderr)")
        #expect(columns.count == 1, "the kind column starts at one display column on every line: \(r.stdout)\n\(list.stdout)")
    }
}
