import Testing
@testable import OutreachBounces

/// Delivery status notifications (RFC 3464, RFC 6533) as Postfix, Gmail, Exchange Online and a
/// sendmail-style relay write them.
@Suite struct DeliveryStatusTests {
    @Test func postfixReportIsADeliveryStatusNotification() throws {
        #expect(try Fixture.report("01-postfix-user-unknown.eml").kind == .deliveryStatus)
    }

    @Test func postfixReportSaysTheRecipientFailedWithUserUnknown() throws {
        let recipient = try Fixture.recipient("01-postfix-user-unknown.eml")
        #expect(recipient.action == "failed")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.finalRecipient == "tran.minh@example.de")
        #expect(recipient.originalRecipient == "tran.minh@example.de")
        #expect(recipient.remoteMTA == "mx.example.de")
    }

    @Test func foldedDiagnosticCodeIsUnfoldedWithoutItsType() throws {
        let recipient = try Fixture.recipient("01-postfix-user-unknown.eml")
        #expect(recipient.diagnosticCode == "550 5.1.1 <tran.minh@example.de>: Recipient address rejected: User unknown in virtual mailbox table")
    }

    @Test func deliveredToHoldsTheVERPAddress() throws {
        let report = try Fixture.report("01-postfix-user-unknown.eml")
        #expect(report.deliveredTo == [VERP.address("a7whft77ogwv53wwft4ssqfwyhyaxxiao2gtd7g3v5b2")])
    }

    @Test func returnedHeadersGiveTheOriginalMessageIDAndUnsubscribeAddress() throws {
        let report = try Fixture.report("01-postfix-user-unknown.eml")
        #expect(report.originalMessageID == "inv.7.42.k3j9xq@cantho.gov.vn")
        #expect(report.originalAddresses == [VERP.address("j5q43t2fgmgogmo6borlu7xv4oliz4famhvpsjkrn5ma")])
    }

    @Test func reportHeaderFieldsAreRead() throws {
        let report = try Fixture.report("01-postfix-user-unknown.eml")
        #expect(report.messageID == "20270202021403.4Y7kQd1xZ3z9vLm@mail.cantho.gov.vn")
        #expect(report.from == "MAILER-DAEMON@mail.cantho.gov.vn")
        #expect(report.subject == "Undelivered Mail Returned to Sender")
        #expect(report.date == "Tue,  2 Feb 2027 09:14:03 +0700 (+07)")
    }

    @Test func delayedReportSaysDelayedWithATemporaryStatus() throws {
        let recipient = try Fixture.recipient("02-postfix-delayed.eml")
        #expect(recipient.action == "delayed")
        #expect(recipient.status == "4.4.1")
        #expect(recipient.diagnosticCode == "connect to mx.example.com.au[198.51.100.14]:25: Connection timed out")
    }

    @Test func delayedReportIsStillADeliveryStatusNotification() throws {
        let report = try Fixture.report("02-postfix-delayed.eml")
        #expect(report.kind == .deliveryStatus)
        #expect(report.subject == "Delayed Mail (still being retried)")
    }

    @Test func gmailReportInsideRelatedPartsIsFound() throws {
        let report = try Fixture.report("03-gmail-no-such-user.eml")
        #expect(report.kind == .deliveryStatus)
        #expect(report.recipients.map(\.finalRecipient) == ["le.thao.khongco@gmail.com"])
    }

    @Test func gmailDiagnosticSaysTheAccountDoesNotExist() throws {
        let recipient = try Fixture.recipient("03-gmail-no-such-user.eml")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.diagnosticCode?.hasPrefix("550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking") == true)
    }

    @Test func gmailReturnedMessageGivesMessageIDAndUnsubscribeAddress() throws {
        let report = try Fixture.report("03-gmail-no-such-user.eml")
        #expect(report.originalMessageID == "inv.7.44.m8c4vd@cantho.gov.vn")
        #expect(report.originalAddresses.contains(VERP.address("j3bftzqfmwazmn5e2mfe4lzo3bpnidveynkbubiydbzz")))
    }

    @Test func exchangeOnlineStatusHasTwoDigitDetail() throws {
        let recipient = try Fixture.recipient("04-exchange-online-recipient-not-found.eml")
        #expect(recipient.status == "5.1.10")
        #expect(recipient.finalRecipient == "pham.quynh@example.fr")
    }

    @Test func diagnosticTypeWithoutSpaceIsStripped() throws {
        let recipient = try Fixture.recipient("04-exchange-online-recipient-not-found.eml")
        #expect(recipient.diagnosticCode == "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup")
    }

    @Test func encodedUndeliverableSubjectIsDecoded() throws {
        let report = try Fixture.report("04-exchange-online-recipient-not-found.eml")
        #expect(report.subject == "Undeliverable: Thư mời dự Họp mặt Tết Đinh Mùi 2027")
    }

    @Test func deliveredToListsEachAddressOnceInFieldOrder() throws {
        let report = try Fixture.report("04-exchange-online-recipient-not-found.eml")
        #expect(report.deliveredTo == [VERP.address("s2ovk226gzcl5asgpsrb3rszdzulkxjfmkxs7ktexhaz")])
    }

    @Test func policyBlockKeepsTheBlocklistInTheDiagnostic() throws {
        let recipient = try Fixture.recipient("05-policy-block-spamhaus.eml")
        #expect(recipient.status == "5.7.1")
        #expect(recipient.diagnosticCode == "550 5.7.1 Service unavailable; client host [203.0.113.7] blocked using zen.spamhaus.org")
        #expect(recipient.remoteMTA == "mx.example.net")
    }

    @Test func upperCaseAddressTypeIsStripped() throws {
        #expect(try Fixture.recipient("05-policy-block-spamhaus.eml").finalRecipient == "vo.long@example.net")
    }

    @Test func reportWrittenWithCRLFReadsLikeOneWithLF() throws {
        let report = try Fixture.report("05-policy-block-spamhaus.eml")
        #expect(report.originalMessageID == "inv.7.46.c2j6wz@cantho.gov.vn")
        #expect(report.deliveredTo == [VERP.address("pu4ch7jrxfobyeb5qnkqgsccnmift7imczqowrcjxojd")])
    }

    @Test func globalDeliveryStatusIsADeliveryStatusNotification() throws {
        #expect(try Fixture.report("06-global-dsn-utf8-recipient.eml").kind == .deliveryStatus)
    }

    @Test func utf8RecipientIsReadAsWritten() throws {
        #expect(try Fixture.recipient("06-global-dsn-utf8-recipient.eml").finalRecipient == "nguyễn@ví-dụ.vn")
    }

    @Test func unitextEscapesInRecipientAreDecoded() throws {
        #expect(try Fixture.recipient("06-global-dsn-utf8-recipient.eml").originalRecipient == "nguyễn@ví-dụ.vn")
    }

    @Test func messageGlobalOriginalGivesReturnPathAndUnsubscribeAddress() throws {
        let report = try Fixture.report("06-global-dsn-utf8-recipient.eml")
        #expect(report.originalMessageID == "inv.7.47.u8x3kd@cantho.gov.vn")
        #expect(report.originalAddresses == [VERP.address("ixgg5skkgfwmgawikmtfigvk2zz45wmighizce7hif53"),
                                             VERP.address("mnlxk4zh5555yphmlntmlx7fzwpawm7x6redm54ziyk7")])
    }
}
