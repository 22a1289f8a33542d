import Testing
@testable import OutreachBounces

/// Automatic replies, and what does not make a message one.
@Suite struct AutoReplyTests {
    @Test func autoSubmittedMakesAnAutoReply() throws {
        #expect(try Fixture.report("13-auto-reply-french.eml").kind == .autoReply)
    }

    @Test func latin1QEncodedSubjectIsDecodedAcrossWords() throws {
        #expect(try Fixture.report("13-auto-reply-french.eml").subject == "Réponse automatique : Invitation à la fête du Têt 2027")
    }

    @Test func inReplyToGivesTheOriginalMessageID() throws {
        #expect(try Fixture.report("13-auto-reply-french.eml").originalMessageID == "inv.7.54.n2p8vj@cantho.gov.vn")
    }

    @Test func xAutoreplyMakesAnAutoReply() throws {
        #expect(try Fixture.report("14-out-of-office-vietnamese.eml").kind == .autoReply)
    }

    @Test func vietnameseBEncodedSubjectIsDecoded() throws {
        #expect(try Fixture.report("14-out-of-office-vietnamese.eml").subject == "Trả lời tự động: Thư mời dự Họp mặt Tết Đinh Mùi 2027")
    }

    @Test func lastReferenceIsTheOriginalWithoutInReplyTo() throws {
        #expect(try Fixture.report("14-out-of-office-vietnamese.eml").originalMessageID == "inv.7.55.z6c3qm@cantho.gov.vn")
    }

    @Test func koreanOutOfOfficeSubjectAloneMakesAnAutoReply() throws {
        let report = try Fixture.report("14b-out-of-office-korean.eml")
        #expect(report.kind == .autoReply)
        #expect(report.subject?.hasPrefix("자동 회신:") == true)
    }

    @Test func japaneseISO2022SubjectIsDecodedAndMakesAnAutoReply() throws {
        let report = try Fixture.report("14c-out-of-office-japanese.eml")
        #expect(report.subject == "自動応答: 不在のお知らせ")
        #expect(report.kind == .autoReply)
    }

    @Test func deliveryReportWithAutoSubmittedIsNotAnAutoReply() throws {
        #expect(try Fixture.report("01-postfix-user-unknown.eml").kind == .deliveryStatus)
    }

    @Test func eximBounceWithAutoSubmittedIsNotAnAutoReply() throws {
        #expect(try Fixture.report("07-exim-user-unknown.eml").kind == .plainBounce)
    }

    @Test func autoSubmittedNoIsNotASignal() throws {
        let message = "From: a@example.org\nTo: bounces@cantho.gov.vn\nSubject: Hello\nAuto-Submitted: no\n\nHi\n"
        #expect(try BounceReport(parsing: Array(message.utf8)).kind == .message)
    }

    @Test func precedenceBulkIsNotASignal() throws {
        let message = "From: list@example.org\nTo: bounces@cantho.gov.vn\nSubject: Newsletter\nPrecedence: bulk\n\nNews\n"
        #expect(try BounceReport(parsing: Array(message.utf8)).kind == .message)
    }

    @Test func readReceiptIsAnAutoReply() throws {
        let message = """
            From: a@example.org
            To: bounces@cantho.gov.vn
            Subject: Read: invitation
            Content-Type: multipart/report; report-type=disposition-notification; boundary=b

            --b
            Content-Type: text/plain

            Your message was displayed.
            --b
            Content-Type: message/disposition-notification

            Final-Recipient: rfc822; a@example.org
            Disposition: manual-action/MDN-sent-manually; displayed
            --b--

            """
        #expect(try BounceReport(parsing: Array(message.utf8)).kind == .autoReply)
    }
}
