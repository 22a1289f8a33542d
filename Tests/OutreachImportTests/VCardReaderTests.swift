import Testing
@testable import OutreachImport
import OutreachCompose
import OutreachModel
import OutreachRegister

/// Quoted-printable as Android writes it: every non-ASCII byte as =XX, soft line breaks at 70 columns.
func quotedPrintable(_ text: String, firstLine: Int = 40) -> String {
    var out = "", line = 0, limit = firstLine
    for byte in text.utf8 {
        let piece = byte < 0x80 && byte != 0x3D && byte != 0x20 ? String(UnicodeScalar(byte)) : "=" + String(byte, radix: 16, uppercase: true)
        if line + piece.count > limit { out += "=\r\n"; line = 0; limit = 70 }
        out += piece
        line += piece.count
    }
    return out
}

@Suite struct VCardReaderTests {
    func read(_ text: String) throws -> VCardReader.Cards { try VCardReader().cards(text) }

    @Test func android21QuotedPrintableNamesWithSoftLineBreaks() throws {
        let text = """
            BEGIN:VCARD\r
            VERSION:2.1\r
            N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:\(quotedPrintable("Nguyễn;Văn Dũng;;;"))\r
            FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:\(quotedPrintable("Nguyễn Văn Dũng — Hội người Việt tại Leipzig", firstLine: 10))\r
            TEL;CELL:+49 341 000\r
            EMAIL;HOME:dung@example.de\r
            END:VCARD\r

            """
        #expect(text.contains("=\r\n"), "the fixture has soft line breaks")
        let cards = try read(text)
        let dung = try #require(cards.contacts.first?.contact)
        #expect(dung.name == PersonName(family: "Nguyễn", given: "Văn Dũng"))
        #expect(dung.fullName == "Nguyễn Văn Dũng — Hội người Việt tại Leipzig")
        #expect(dung.emails == ["dung@example.de"])
        #expect(cards.versions == ["2.1"])
    }

    @Test func foldedLinesAndEscapesOfVersion3() throws {
        let cards = try read("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Trần Thị
              Hương
            ORG:Hội người Việt\\, Berlin;Ban chấp hành
            CATEGORIES:Tết 2026,Đờn ca Tài tử\\, 2026
            EMAIL;TYPE=INTERNET:huong@exam
             ple.de
            END:VCARD
            """)
        let huong = try #require(cards.contacts.first?.contact)
        #expect(huong.fullName == "Trần Thị Hương")
        #expect(huong.organization == "Hội người Việt, Berlin")
        #expect(huong.tags == ["Tết 2026", "Đờn ca Tài tử, 2026"])
        #expect(huong.emails == ["huong@example.de"])
    }

    @Test func iPhoneCardsWithGroupsPreferredAddressAndCountry() throws {
        let cards = try read("""
            BEGIN:VCARD
            VERSION:3.0
            PRODID:-//Apple Inc.//iPhone OS 17.0//EN
            N:Sato;Haruka;;;
            FN:Sato Haruka
            item1.EMAIL;type=INTERNET;type=WORK:haruka@work.example.jp
            item2.EMAIL;type=INTERNET;type=HOME;type=pref:haruka@example.jp
            item3.ADR;type=HOME;type=pref:;;1-2-3 Shibuya;Tokyo;;150-0002;Japan
            item3.X-ABADR:jp
            END:VCARD
            """)
        let haruka = try #require(cards.contacts.first?.contact)
        #expect(haruka.emails == ["haruka@example.jp", "haruka@work.example.jp"])
        #expect(haruka.city == "Tokyo" && haruka.country == "Japan")
    }

    @Test func version4LanguagePreferenceAndPrefNumbers() throws {
        let cards = try read("""
            BEGIN:VCARD
            VERSION:4.0
            FN:김민준
            N:김;민준;;;
            EMAIL;TYPE=work;PREF=2:minjun@work.example.kr
            EMAIL;PREF=1:minjun@example.kr
            LANG;TYPE=work;PREF=2:en
            LANG;PREF=1:ko
            ADR;TYPE=home:;;;Busan;;;KR
            END:VCARD
            """)
        let minjun = try #require(cards.contacts.first?.contact)
        #expect(minjun.emails.first == "minjun@example.kr")
        #expect(minjun.language == "ko")
        #expect(minjun.country == "KR" && minjun.city == "Busan")
        #expect(cards.versions == ["4.0"])
    }

    @Test func aCardWithoutAnAddressIsRefusedByNumberAndName() throws {
        let cards = try read("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Có Địa Chỉ
            EMAIL:co@example.vn
            END:VCARD
            BEGIN:VCARD
            VERSION:3.0
            FN:Lê Văn Không
            TEL:+84 292 000
            END:VCARD
            """)
        #expect(cards.contacts.map(\.card) == [1])
        let refused = try #require(cards.rejections.first)
        #expect(refused.row == 2)
        #expect(refused.reason.text(in: .en) == "no EMAIL: \"Lê Văn Không\" has no email address")
    }

    @Test func anUnknownCharacterSetRefusesThatCardOnly() throws {
        let cards = try read("""
            BEGIN:VCARD
            VERSION:2.1
            N;CHARSET=KOI8-R;ENCODING=QUOTED-PRINTABLE:=E9=D7=C1=CE;;;;
            EMAIL:ivan@example.ru
            END:VCARD
            BEGIN:VCARD
            VERSION:2.1
            N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;Peter;;;
            EMAIL:peter@example.de
            END:VCARD
            """)
        #expect(cards.rejections.map(\.row) == [1])
        #expect(cards.rejections.first?.reason.text(in: .en).hasPrefix("N: CHARSET=KOI8-R is not one the importer reads") == true)
        #expect(cards.contacts.first?.contact.name == PersonName(family: "Müller", given: "Peter"))
    }

    @Test func aCardNeverClosedIsAnErrorNamingItsLine() {
        #expect { try read("BEGIN:VCARD\nVERSION:3.0\nEMAIL:a@example.org\nEND:VCARD\n\nBEGIN:VCARD\nFN:Cut Off\n") } throws: {
            "\($0)" == "card 2: BEGIN:VCARD on line 6 is never closed by END:VCARD"
        }
        #expect(throws: VCardReader.Failure.self) { try read("\n") }
    }

    @Test func vCardsAreRecognizedByContentNotName() {
        #expect(VCardReader.isVCard("\r\n  begin:vcard\r\nVERSION:3.0"))
        #expect(!VCardReader.isVCard("email,name\nBEGIN:VCARD\n"))
    }
}
