import Testing
@testable import OutreachBounces

/// The MIME reader underneath the report: header fields, parameters, encodings.
@Suite struct MIMEReaderTests {
    @Test func fieldNamesAreMatchedWithoutRegardToCase() {
        let (header, _) = HeaderFields.parse(Array("SUBJECT: a\nsubject: b\n\n".utf8)[...], from: 0)
        #expect(header.all("subject").map(\.text) == ["a", "b"])
    }

    @Test func foldedValueUnfoldsToOneSpace() {
        let (header, _) = HeaderFields.parse(Array("Subject: one\r\n \t two\r\n\r\nbody".utf8)[...], from: 0)
        #expect(header.text("subject") == "one two")
    }

    @Test func bodyStartsAfterTheBlankLine() {
        let bytes = Array("A: 1\nB: 2\n\nbody\n".utf8)
        #expect(HeaderFields.parse(bytes[...], from: 0).bodyStart == 11)
    }

    @Test func quotedParameterKeepsSpecials() throws {
        let type = try #require(ContentType(Array("Multipart/Report; report-type=delivery-status;\n\tboundary=\"a;b=c \\\"d\\\"\"".utf8)[...]))
        #expect(type.mimeType == "multipart/report")
        #expect(type.parameters["boundary"] == "a;b=c \"d\"")
        #expect(type.parameters["report-type"] == "delivery-status")
    }

    @Test func unquotedBoundaryWithEqualsSignIsKept() throws {
        let type = try #require(ContentType(Array("multipart/alternative; boundary=----=_Part_1_2.3".utf8)[...]))
        #expect(type.parameters["boundary"] == "----=_Part_1_2.3")
    }

    @Test func preambleAndEpilogueAreNotParts() {
        let body = Array("preamble\n--b\nA: 1\n\none\n--b \nA: 2\n\ntwo\n--b--\nepilogue\n".utf8)
        let parts = MIMEEntity.parts(of: body[...], boundary: Array("b".utf8))
        #expect(parts.map { String(decoding: $0, as: UTF8.self) } == ["A: 1\n\none", "A: 2\n\ntwo"])
    }

    @Test func boundaryThatPrefixesAnotherDoesNotSplitIt() {
        let body = Array("--b\n\none\n--bb\n\nstill one\n--b--\n".utf8)
        #expect(MIMEEntity.parts(of: body[...], boundary: Array("b".utf8)).count == 1)
    }

    @Test func encodedWordsSeparatedBySpaceJoin() {
        #expect(EncodedWords.decode(Array("=?UTF-8?B?VHLhuqM=?= =?UTF-8?Q?_l=E1=BB=9Di?=".utf8)[...]) == "Trả lời")
    }

    @Test func utf8CharacterSplitAcrossTwoWordsIsRejoined() {
        // "ả" is E1 BA A3: the first word ends inside it.
        #expect(EncodedWords.decode(Array("=?UTF-8?Q?Tr=E1=BA?= =?UTF-8?Q?=A3?=".utf8)[...]) == "Trả")
    }

    @Test func textAroundEncodedWordsIsKept() {
        #expect(EncodedWords.decode(Array("Re: =?ISO-8859-1?Q?caf=E9?= ok".utf8)[...]) == "Re: café ok")
    }

    @Test func malformedEncodedWordStaysAsWritten() {
        #expect(EncodedWords.decode(Array("=?UTF-8?X?abc?= =?broken".utf8)[...]) == "=?UTF-8?X?abc?= =?broken")
    }

    @Test func windows1258ToneMarksAreComposed() {
        // "Vi" + ê + combining dot below (F2) + "t"
        #expect(Charset.decode([0x56, 0x69, 0xEA, 0xF2, 0x74], charset: "windows-1258") == "Việt")
    }

    @Test func raw8BitHeaderThatIsNotUTF8IsReadAsWindows1252() {
        let (header, _) = HeaderFields.parse([0x53, 0x3A, 0x20, 0x63, 0x61, 0x66, 0xE9, 0x0A][...], from: 0)
        #expect(header.text("s") == "café")
    }

    @Test func quotedPrintableSoftBreaksAndEscapesDecode() {
        let decoded = TransferEncoding.quotedPrintable(Array("H=E1=BB=A7y =\r\n=C4=91=C4=83ng=3D".utf8)[...])
        #expect(String(decoding: decoded, as: UTF8.self) == "Hủy đăng=")
    }

    @Test func base64WithoutPaddingDecodes() {
        #expect(TransferEncoding.base64(Array("aGk".utf8)) == Array("hi".utf8))
    }

    @Test func xtextPlusEscapesDecode() {
        #expect(DeliveryStatusFields.decodeXText("bounces+2Babc@cantho.gov.vn") == "bounces+abc@cantho.gov.vn")
    }

    @Test func lowerCaseAfterPlusIsNotXText() {
        #expect(DeliveryStatusFields.decodeXText("bounces+ab12@cantho.gov.vn") == "bounces+ab12@cantho.gov.vn")
    }

    @Test func addressListDropsNamesCommentsAndGroups() {
        let value = "\"Nguyễn, An\" <an@example.vn>, binh@example.vn (Bình), team: chi@example.vn, <dung@example.vn>;, undisclosed-recipients:;"
        #expect(AddressList.addresses(in: value) == ["an@example.vn", "binh@example.vn", "chi@example.vn", "dung@example.vn"])
    }

    @Test func listUnsubscribeMailtoLosesItsQuery() {
        let value = "<https://moi.cantho.gov.vn/u/x>, <mailto:bounces+abc@cantho.gov.vn?subject=unsubscribe>"
        #expect(AddressList.mailtoAddresses(inListUnsubscribe: value) == ["bounces+abc@cantho.gov.vn"])
    }
}
