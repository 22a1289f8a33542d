import Foundation
import Testing

/// `contacts import` of the files staff really have: Google Contacts and Outlook exports, and the
/// vCards phones write, run through the binary as a user runs it.
@Suite struct ContactSourcesTests {
    /// `contacts list --format json`, by address.
    func contacts(_ w: Workspace) throws -> [String: [String: Any]] {
        let r = try w.outreach("contacts", "list", "--format", "json")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["email"] as! String, $0) })
    }

    static let googleExport = """
        First Name,Middle Name,Last Name,Phonetic First Name,Name Prefix,Nickname,File As,Organization Name,Organization Title,\
        Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,\
        Address 1 - Label,Address 1 - Formatted,Address 1 - City,Address 1 - Region,Address 1 - Country
        Dũng,Văn,Nguyễn,,Ông,,,"Hội người Việt Leipzig",,,,Tết 2026 ::: * myContacts,* Home,dung@example.de,Work,dung.nguyen@work.example.de,Mobile,+49 341 000,Home,,Leipzig,,Germany
        遥,,佐藤,はるか,,,,,,,,Yoga Day ::: * myContacts,,haruka@example.jp,,,,,,,Tokyo,,Japan
        민준,,김,,,,,,,,,* myContacts,,minjun@example.kr,,,,,,,Busan,,Hàn Quốc
        Sarah,,Miller,,Ms,,,Yoga Alliance,Teacher,,,Yoga Day ::: Partners ::: * myContacts,,sarah@example.com.au,,,,,,,,,Australia
        Bình,,Trần,,,,,,,,,* myContacts,,,,,Mobile,+84 292 000,,,,,

        """

    @Test func aGoogleContactsExportImportsWithoutMapNamesInEachCulturesOrder() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", try w.write("contacts.csv", Self.googleExport))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("contacts.csv (Google Contacts export, utf-8, delimiter ,)"), "\(r.stdout)")
        #expect(r.stdout.contains("added                    4"))
        #expect(r.stdout.contains("more than one address    1"))
        #expect(r.stderr.contains("row 6: email is empty"))
        let c = try contacts(w)
        #expect(c["dung@example.de"]?["name"] as? String == "Nguyễn Văn Dũng")
        #expect(c["haruka@example.jp"]?["name"] as? String == "佐藤 遥")
        #expect(c["minjun@example.kr"]?["name"] as? String == "김민준")
        #expect(c["sarah@example.com.au"]?["name"] as? String == "Sarah Miller")
        #expect(c["dung@example.de"]?["country"] as? String == "DE" && c["minjun@example.kr"]?["country"] as? String == "KR")
        #expect(c["dung@example.de"]?["city"] as? String == "Leipzig")
        #expect(c["sarah@example.com.au"]?["organization"] as? String == "Yoga Alliance")
        #expect(c["sarah@example.com.au"]?["tags"] as? [String] == ["yoga day", "partners"])
        #expect(c["minjun@example.kr"]?["tags"] as? [String] == [])
        #expect(c["dung.nguyen@work.example.de"] == nil, "only the first address is a contact")
        let dung = try #require(try w.show("dung@example.de"))
        #expect(dung["honorific"] as? String == "Ông")
        #expect((dung["attributes"] as? [String: String])?["other emails"] == "dung.nguyen@work.example.de")
    }

    @Test func noConsentIsInventedForAnExport() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", try w.write("contacts.csv", Self.googleExport))
        #expect(r.stdout.contains("consent                  pending for everyone new"))
        #expect(try contacts(w).values.allSatisfy { $0["consent"] as? String == "pending" })
        #expect(try w.listCSV("consent=granted").count == 1, "nobody can be invited")
    }

    @Test func consentGrantedWithItsEvidenceIsRecordedInTheLedger() throws {
        let w = try Workspace()
        let file = try w.write("contacts.csv", Self.googleExport)
        let missing = try w.outreach("contacts", "import", file, "--consent", "granted")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--consent granted needs --source"))
        #expect(try w.listCSV().count == 1, "nothing imported")
        let evidence = "Sign-up sheet, Tết gathering 2026-01-25"
        let r = try w.outreach("contacts", "import", file, "--consent", "granted", "--source", evidence)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("pending for everyone new"))
        let shown = try #require(try w.show("haruka@example.jp"))
        #expect(shown["consent"] as? String == "granted")
        let history = try #require(shown["history"] as? [[String: Any]])
        #expect(history.count == 1)
        #expect(history.first?["evidence"] as? String == evidence)
        #expect(history.first?["source"] as? String == "import:\(evidence)#row 3")
    }

    @Test func theOlderGoogleCSVsNameColumnWinsOverItsParts() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", try w.write("google.csv", """
            Name,Given Name,Additional Name,Family Name,Name Prefix,Language,Group Membership,E-mail 1 - Type,E-mail 1 - Value,\
            Organization 1 - Name,Address 1 - City,Address 1 - Country
            Phạm Minh Tuấn,Tuấn,Minh,Phạm,Anh,vi,* My Contacts ::: Kiều bào,* Home,tuan@example.fr,,Lyon,Pháp
            ,Claire,,Dubois,Mme,fr,* My Contacts,,claire@example.fr,Mairie de Lyon,Lyon,France

            """))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Google Contacts export (older)"))
        let c = try contacts(w)
        #expect(c["tuan@example.fr"]?["name"] as? String == "Phạm Minh Tuấn")
        #expect(c["tuan@example.fr"]?["tags"] as? [String] == ["kiều bào"])
        #expect(c["tuan@example.fr"]?["country"] as? String == "FR")
        #expect(c["claire@example.fr"]?["name"] as? String == "Claire Dubois")
        #expect(c["claire@example.fr"]?["language"] as? String == "fr")
        #expect(c["claire@example.fr"]?["organization"] as? String == "Mairie de Lyon")
    }

    @Test func anOutlookExportInWindows1258AsVietnameseWindowsWritesIt() throws {
        let w = try Workspace()
        let utf8 = try w.write("outlook-utf8.csv", """
            "Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title","Business City",\
            "Business Country/Region","Home City","Home Country/Region","Mobile Phone","Categories","E-mail Address","E-mail Type",\
            "E-mail Display Name","E-mail 2 Address","E-mail 2 Type","E-mail 2 Display Name","Notes"\r
            "Ông","Dũng","Văn","Nguyễn","","","","","","","Cần Thơ","Việt Nam","","Tết 2026;Đờn ca Tài tử","dung@example.vn","SMTP",\
            "Nguyễn Văn Dũng (dung@example.vn)","","","",""\r
            "Bà","Lan","Thị","Trần","","Hội người Việt tại Praha","","","Praha","Séc","","","","Kiều bào","lan@example.cz","SMTP",\
            "Trần Thị Lan (lan@example.cz)","lan.tran@example.cz","SMTP","Lan","Hội trưởng"\r
            "Mr","John","","Smith","","","","","","","Cần Thơ","Hoa Kỳ","","","john@example.com","SMTP","John Smith","","","",""\r

            """)
        let cp1258 = w.path("outlook.csv")
        let iconv = try w.run("/usr/bin/iconv", ["-f", "UTF-8", "-t", "WINDOWS-1258", "-o", cp1258, utf8])
        try #require(iconv.status == 0, "\(iconv.stderr)")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cp1258)))
        #expect(bytes.contains(0xDE) && bytes.contains(0xF2), "tone marks are written as combining characters")

        let r = try w.outreach("contacts", "import", cp1258)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("outlook.csv (Outlook export, windows-1258, delimiter ,)"), "\(r.stdout)")
        #expect(r.stdout.contains("more than one address    1"))
        let c = try contacts(w)
        let dung = try #require(c["dung@example.vn"])
        #expect(dung["name"] as? String == "Nguyễn Văn Dũng")
        #expect((dung["name"] as? String)?.unicodeScalars.count == 15, "stored NFC")
        #expect(dung["city"] as? String == "Cần Thơ" && dung["country"] as? String == "VN")
        #expect(dung["tags"] as? [String] == ["tết 2026", "đờn ca tài tử"])
        #expect(c["lan@example.cz"]?["name"] as? String == "Trần Thị Lan")
        #expect(c["lan@example.cz"]?["organization"] as? String == "Hội người Việt tại Praha")
        #expect(c["lan@example.cz"]?["country"] as? String == "CZ")
        #expect(c["john@example.com"]?["name"] as? String == "John Smith")
        #expect(c["john@example.com"]?["country"] as? String == "US")
        #expect(try w.show("dung@example.vn")?["honorific"] as? String == "Ông")
    }

    @Test func aMapOptionOnARecognizedColumnReadsTheFileAsPlainCSV() throws {
        let w = try Workspace()
        let file = try w.write("o.csv", "First Name,Last Name,Company,E-mail Address,E-mail 2 Address\nLan,Trần,X,old@example.vn,lan@example.vn\n")
        let r = try w.outreach("contacts", "import", file, "--map", "E-mail Address=ignore", "--map", "E-mail 2 Address=email")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains("Outlook export"))
        #expect(try contacts(w).keys.sorted() == ["lan@example.vn"])
    }

    // MARK: vCards

    /// As an Android phone exports them: vCard 2.1, quoted-printable UTF-8 with soft line breaks.
    static let androidCards = """
        BEGIN:VCARD\r
        VERSION:2.1\r
        N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4E=67=75=79=E1=BB=85=6E;=56=C4=\r
        =83=6E=20=44=C5=A9=6E=67;;;\r
        FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4E=67=75=79=E1=BB=85=6E=20=56=\r
        =C4=83=6E=20=44=C5=A9=6E=67\r
        TEL;CELL:+49 341 000\r
        EMAIL;HOME:dung@example.de\r
        EMAIL;WORK:dung.nguyen@work.example.de\r
        ADR;HOME;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:;;=4B=61=72=6C=2D=4C=69=65=\r
        =62=6B=6E=65=63=68=74=2D=53=74=72=61=C3=9F=65=20=31;=4C=65=69=70=7A=69=67;;=\r
        =30=34=31=30=37;=C4=90=E1=BB=A9=63\r
        END:VCARD\r
        BEGIN:VCARD\r
        VERSION:2.1\r
        N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=54=72=E1=BA=A7=6E;=54=68=E1=BB=\r
        =8B=20=48=C6=B0=C6=A1=6E=67;;=42=C3=A0;\r
        EMAIL;INTERNET:huong@example.cz\r
        END:VCARD\r
        BEGIN:VCARD\r
        VERSION:2.1\r
        FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=4C=C3=AA=20=56=C4=83=6E=20=4B=\r
        =68=C3=B4=6E=67\r
        TEL;CELL:+84 292 000\r
        END:VCARD\r
        BEGIN:VCARD\r
        VERSION:2.1\r
        N:Miller;Sarah;;;\r
        FN:Sarah Miller\r
        EMAIL;PREF;INTERNET:sarah@example.com.au\r
        END:VCARD\r

        """

    @Test func anAndroidVCard21FileWithQuotedPrintableNames() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", try w.write("00001.vcf", Self.androidCards), "--rejects", w.path("rejects.csv"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("00001.vcf (vCard 2.1, utf-8)"), "\(r.stdout)")
        #expect(r.stdout.contains("cards read               4"))
        #expect(r.stdout.contains("added                    3"))
        #expect(r.stdout.contains("rejected                 1"))
        #expect(r.stdout.contains("more than one address    1"))
        #expect(r.stderr.contains("card 3: no EMAIL: \"Lê Văn Không\" has no email address"), "\(r.stderr)")
        let rejects = String(decoding: try Data(contentsOf: URL(fileURLWithPath: w.path("rejects.csv"))), as: UTF8.self)
        #expect(rejects.hasPrefix("\u{FEFF}card,reason,fields\r\n3,"))
        let c = try contacts(w)
        #expect(c["dung@example.de"]?["name"] as? String == "Nguyễn Văn Dũng")
        #expect(c["dung@example.de"]?["city"] as? String == "Leipzig" && c["dung@example.de"]?["country"] as? String == "DE")
        #expect(c["huong@example.cz"]?["name"] as? String == "Trần Thị Hương", "from N, in Vietnamese order")
        #expect(c["sarah@example.com.au"]?["name"] as? String == "Sarah Miller")
        #expect(c.values.allSatisfy { $0["consent"] as? String == "pending" })
        #expect(try w.show("huong@example.cz")?["honorific"] as? String == "Bà")
    }

    @Test func anIPhoneVCard30AndAVCard40WithLanguage() throws {
        let w = try Workspace()
        let nfd = "Lê Thị Thu".decomposedStringWithCanonicalMapping
        let r = try w.outreach("contacts", "import", try w.write("iphone.vcf", """
            BEGIN:VCARD
            VERSION:3.0
            PRODID:-//Apple Inc.//iPhone OS 17.0//EN
            N:佐藤;遥;;;
            FN:佐藤 遥
            ORG:Japan Foundation;
            item1.EMAIL;type=INTERNET;type=WORK:haruka@work.example.jp
            item2.EMAIL;type=INTERNET;type=HOME;type=pref:haruka@example.jp
            item3.ADR;type=HOME;type=pref:;;1-2-3 Shibuya;Tokyo;;150-0002;Nhật Bản
            CATEGORIES:Yoga Day,myContacts
            END:VCARD
            BEGIN:VCARD
            VERSION:4.0
            N:김;민준;;;
            EMAIL;TYPE=work;PREF=2:minjun@work.example.kr
            EMAIL;PREF=1:minjun@example.kr
            LANG;PREF=2:en
            LANG;PREF=1:ko
            ADR;TYPE=home:;;;Busan;;;South Korea
            END:VCARD
            BEGIN:VCARD
            VERSION:4.0
            FN:\(nfd)
            EMAIL:thu@example.vn
            LANG:vi
            END:VCARD
            """))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("iphone.vcf (vCard 3.0, 4.0, utf-8)"), "\(r.stdout)")
        let c = try contacts(w)
        let haruka = try #require(c["haruka@example.jp"])
        #expect(haruka["name"] as? String == "佐藤 遥")
        #expect(haruka["organization"] as? String == "Japan Foundation")
        #expect(haruka["city"] as? String == "Tokyo" && haruka["country"] as? String == "JP")
        #expect(haruka["tags"] as? [String] == ["yoga day"])
        let minjun = try #require(c["minjun@example.kr"])
        #expect(minjun["name"] as? String == "김민준")
        #expect(minjun["language"] as? String == "ko" && minjun["country"] as? String == "KR")
        #expect(c["thu@example.vn"]?["name"] as? String == "Lê Thị Thu".precomposedStringWithCanonicalMapping)
        #expect((c["thu@example.vn"]?["name"] as? String)?.unicodeScalars.count == 10, "stored NFC")
        #expect(c["thu@example.vn"]?["language"] as? String == "vi")
    }

    @Test func aVCardIsRecognizedByItsContentWhateverItsName() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", try w.write("danh-ba.txt", "\r\nbegin:vcard\r\nversion:3.0\r\nfn:Võ Thị Hoa\r\nemail:hoa@example.vn\r\nend:vcard\r\n"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try contacts(w)["hoa@example.vn"]?["name"] as? String == "Võ Thị Hoa")
    }

    @Test func cardsGetTheCSVImportersGuarantees() throws {
        let w = try Workspace()
        let file = try w.write("phone.vcf", Self.androidCards)
        let dry = try w.outreach("contacts", "import", file, "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("Dry run"))
        #expect(try w.listCSV().count == 1, "a dry run writes nothing")

        let cut = try w.outreach("contacts", "import", try w.write("cut.vcf", Self.androidCards + "BEGIN:VCARD\r\nVERSION:2.1\r\nEMAIL:late@example.org\r\n"))
        #expect(cut.status != 0)
        #expect(cut.stderr.contains("card 5: BEGIN:VCARD on line 32 is never closed by END:VCARD"), "\(cut.stderr)")
        #expect(try w.listCSV().count == 1, "all or nothing")

        try w.outreach("contacts", "import", file)
        #expect(try w.outreach("contacts", "unsubscribe", "sarah@example.com.au").status == 0)
        #expect(try w.outreach("contacts", "forget", "huong@example.cz").status == 0)
        let again = try w.outreach("contacts", "import", file, "--consent", "granted", "--source", "Phone book of the Leipzig office")
        #expect(again.stdout.contains("suppressed, not changed  2"), "\(again.stdout)")
        #expect(try w.show("huong@example.cz") == nil, "an erased person stays erased")
        let sarah = try #require(try w.show("sarah@example.com.au"))
        #expect(sarah["consent"] as? String == "withdrawn" && sarah["suppressed"] as? Bool == true)
        #expect(try w.show("dung@example.de")?["consent"] as? String == "granted")
    }

    @Test func twoCardsOfOnePersonMergeIntoOneContact() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "import", try w.write("dups.vcf", """
            BEGIN:VCARD
            VERSION:3.0
            FN:Hoàng Anh
            EMAIL:anh@example.vn
            CATEGORIES:Tết 2026
            END:VCARD
            BEGIN:VCARD
            VERSION:3.0
            FN:Hoàng Việt Anh
            EMAIL:ANH@Example.VN
            CATEGORIES:Yoga Day
            END:VCARD
            """))
        #expect(r.stdout.contains("added                    1") && r.stdout.contains("duplicates               1"), "\(r.stdout)")
        // The later card is taken whole (issue 24: no mixing of fields), its spelling of the address too.
        let anh = try #require(try contacts(w)["ANH@example.vn"])
        #expect(anh["name"] as? String == "Hoàng Việt Anh")
        #expect(anh["tags"] as? [String] == ["yoga day"])
    }
}
