import Foundation
import Testing

/// `outreach contacts import` and friends, run as a user runs them, on temporary SQLite files.
@Suite struct ImportCommandTests {
    @Test func importsTheSampleFileAndReportsCounts() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", "Config/sample-contacts.csv")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("rows read"))
        let rows = try w.listCSV()
        #expect(rows.count > 40)
        #expect(rows[0] == ["email", "name", "kind", "country", "city", "language", "organization", "tags", "consent", "suppressed"])
    }

    /// A UTF-8 file is hashed as it is read (issue 28: one reading instead of two); a file read
    /// twice (Windows-1258) is hashed by its first reading. Either way the run records the
    /// SHA-256 of every byte of the file.
    @Test func theImportRunRecordsTheFilesSHA256() throws {
        let files: [(String, [UInt8])] = [
            ("utf8.csv", [0xEF, 0xBB, 0xBF] + Array("email,name\r\nlan@example.vn,Nguyễn Thị Lan\r\n".utf8)),
            ("cp1258.csv", Array("email,name\r\nlan@example.vn,Nguy".utf8) + [0xEA, 0xDE] + Array("n Thi".utf8) + [0xF2] + Array(" Lan\r\n".utf8)),
        ]
        for (name, bytes) in files {
            let w = try Workspace()
            let file = try w.write(name, bytes)
            #expect(try w.outreach("contacts", "import", file).status == 0, "\(name)")
            let recorded = try w.run("/usr/bin/sqlite3", [w.database, "SELECT file_sha256 FROM import_runs"]).stdout
            let expected = try w.run("/usr/bin/sha256sum", [file]).stdout.prefix(64)
            #expect(recorded == expected + "\n", "\(name)")
        }
    }

    @Test func everyEncodingGivesTheSameNFCContact() throws {
        let csv = "email;họ và tên;ngôn ngữ;đồng ý nhận thư\r\nlan@example.vn;Nguyễn Thị Lan;vi;có\r\n"
        var utf16le: [UInt8] = [0xFF, 0xFE]
        for unit in csv.replacingOccurrences(of: ";", with: "\t").utf16 { utf16le += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        var utf16be: [UInt8] = [0xFE, 0xFF]
        for unit in csv.utf16 { utf16be += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        // Windows-1258 with combining tone marks: "Nguyễn Thị Lan", headers without accents.
        let cp1258: [UInt8] = Array("email,ho va ten,dong y nhan thu\r\nlan@example.vn,Nguy".utf8) + [0xEA, 0xDE] + Array("n Thi".utf8) + [0xF2] + Array(" Lan,x\r\n".utf8)
        let files: [(String, [UInt8])] = [
            ("utf8.csv", Array(csv.utf8)), ("bom.csv", [0xEF, 0xBB, 0xBF] + Array(csv.utf8)),
            ("excel-unicode.txt", utf16le), ("be.csv", utf16be), ("cp1258.csv", cp1258),
        ]
        for (name, bytes) in files {
            let w = try Workspace()
            let r = try w.outreach("contacts", "import", try w.write(name, bytes))
            #expect(r.status == 0, "\(name): \(r.stderr)")
            let shown = try #require(try w.show("lan@example.vn"), "\(name)")
            #expect(shown["name"] as? String == "Nguyễn Thị Lan", "\(name)")
            #expect((shown["name"] as? String)?.unicodeScalars.count == "Nguyễn Thị Lan".precomposedStringWithCanonicalMapping.unicodeScalars.count, "\(name) is NFC")
            #expect(shown["consent"] as? String == "granted", "\(name)")
        }
    }

    @Test func rejectedRowsAreReportedWithNumbersAndWrittenToTheRejectsFile() throws {
        let w = try Workspace()
        let file = try w.write("messy.csv", """
            Email,Name,Consent
            good@example.de,Good Person,yes
            an@,Broken,yes
            "two
            lines@example.de",Bad,yes
            ,Nobody,yes
            fine@example.fr,"Line
            Break",no

            """)
        let r = try w.outreach("contacts", "import", file, "--rejects", w.path("rejects.csv"))
        #expect(r.status == 0)
        #expect(r.stderr.contains("row 3: email \"an@\" has a bad domain (empty)"))
        #expect(r.stderr.contains("row 4: email"))
        #expect(r.stderr.contains("row 5: email is empty"))
        #expect(r.stderr.contains("row 6: warning: name: line breaks or control characters replaced by a space"))
        #expect(r.stdout.contains("rejected                 3"))
        let rejects = try Data(contentsOf: URL(fileURLWithPath: w.path("rejects.csv")))
        #expect(Array(rejects.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(String(decoding: rejects, as: UTF8.self).contains("3,\"email \"\"an@\"\" has a bad domain (empty)\""))
        #expect(try w.show("fine@example.fr")?["name"] as? String == "Line Break")
        #expect(try w.show("fine@example.fr")?["consent"] as? String == "pending")
    }

    @Test func nfcAndNFDAndCaseDuplicatesMergeIntoOneContact() throws {
        let w = try Workspace()
        let nfd = "thúy@ví-dụ.vn".decomposedStringWithCanonicalMapping
        let file = try w.write("dups.csv", "email,name,tags\nthúy@ví-dụ.vn,Thúy,a\n\(nfd),Thúy,b\n THÚY@VÍ-DỤ.VN ,Thúy Nguyễn,\n")
        let r = try w.outreach("contacts", "import", file)
        #expect(r.stdout.contains("added                    1"), "\(r.stdout)")
        #expect(r.stdout.contains("duplicates               2"))
        #expect(try w.listCSV().count == 2)
        let again = try w.outreach("contacts", "import", file)
        #expect(again.stdout.contains("unchanged                1"), "\(again.stdout)")
    }

    @Test func reimportAfterUnsubscribeLeavesThePersonSuppressed() throws {
        let w = try Workspace()
        let file = try w.write("c.csv", "email,name,consent\nminh@example.com,Minh,yes\n")
        try w.outreach("contacts", "import", file)
        #expect(try w.outreach("contacts", "unsubscribe", "Minh@Example.com").status == 0)
        let r = try w.outreach("contacts", "import", file)
        #expect(r.stdout.contains("suppressed, not changed  1"))
        let shown = try #require(try w.show("minh@example.com"))
        #expect(shown["consent"] as? String == "withdrawn")
        #expect(shown["suppressed"] as? Bool == true)
        #expect((shown["history"] as? [Any])?.count == 2)
    }

    @Test func forgetKeepsOnlyTheHashAndBlocksReimport() throws {
        let w = try Workspace()
        let file = try w.write("c.csv", "email,name,consent\nsuzanne@example.fr,Suzanne Martin,oui\n")
        try w.outreach("contacts", "import", file)
        #expect(try w.outreach("contacts", "forget", "suzanne@example.fr").status == 0)
        #expect(try w.show("suzanne@example.fr") == nil)
        let r = try w.outreach("contacts", "import", file)
        #expect(r.stdout.contains("suppressed, not changed  1"))
        #expect(try w.show("suzanne@example.fr") == nil)
        let dump = try w.run("/usr/bin/sqlite3", [w.database, ".dump"]).stdout
        #expect(!dump.contains("suzanne"))
        #expect(!dump.contains("Suzanne"))
    }

    @Test func dryRunWritesNothing() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", "Config/sample-contacts.csv", "--dry-run")
        #expect(r.status == 0)
        #expect(r.stdout.contains("Dry run"))
        #expect(try w.listCSV().count == 1)
    }

    @Test func anUndecodableOrUnparsableFileChangesNothing() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", try w.write("a.csv", "email\nkeep@example.com\n"))
        let bad = try w.outreach("contacts", "import", try w.write("bad.csv", Array("email,name\nnew@example.com,".utf8) + [0x81, 0x0A]))
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("neither UTF-8"))
        let open = try w.outreach("contacts", "import", try w.write("open.csv", "email,name\nnew@example.com,\"never closed\n"))
        #expect(open.status != 0)
        #expect(open.stderr.contains("row 2: a quoted field is never closed"))
        let noEmail = try w.outreach("contacts", "import", try w.write("noemail.csv", "name,phone\nA,1\n"))
        #expect(noEmail.status != 0)
        #expect(noEmail.stderr.contains("no email column"))
        #expect(try w.listCSV().map { $0[0] } == ["email", "keep@example.com"])
    }

    @Test func segmentsFilterTheList() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", try w.write("s.csv", """
            email,kind,country,language,consent,tags
            a@example.de,overseas_vietnamese,DE,vi,yes,tet|vip
            b@example.fr,overseas_vietnamese,FR,vi,no,tet
            c@example.kr,foreign_resident,VN,ko,yes,
            """))
        #expect(try w.listCSV("kind=overseas_vietnamese country=DE,FR consent=granted").map { $0[0] } == ["email", "a@example.de"])
        #expect(try w.listCSV("tag=tet").count == 3)
        #expect(try w.listCSV("language=ko").map { $0[0] } == ["email", "c@example.kr"])
        let bad = try w.outreach("contacts", "list", "--segment", "country=DE planet=mars")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("planet=mars"))
    }

    @Test func exportHasTheLedger() throws {
        let w = try Workspace()
        try w.outreach("contacts", "import", try w.write("e.csv", "email,consent,consent source\nx@example.org,yes,\"Form, 2026\"\n"))
        let r = try w.outreach("contacts", "export", "x@example.org")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let history = try #require(json["history"] as? [[String: Any]])
        #expect(history.first?["source"] as? String == "import:e.csv#row 2")
        #expect(history.first?["evidence"] as? String == "Form, 2026")
    }
}
