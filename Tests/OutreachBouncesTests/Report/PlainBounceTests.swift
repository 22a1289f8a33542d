import Testing
@testable import OutreachBounces

/// Bounces in no standard format: Exim, qmail, old Exchange, and Exim's delay warning.
@Suite struct PlainBounceTests {
    @Test func eximFailureIsAPlainBounce() throws {
        #expect(try Fixture.report("07-exim-user-unknown.eml").kind == .plainBounce)
    }

    @Test func eximFailureGivesStatusAndReplyFromTheText() throws {
        let recipient = try Fixture.recipient("07-exim-user-unknown.eml")
        #expect(recipient.action == "failed")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.diagnosticCode == "550 5.1.1 <hoang.dung@example.org>: User unknown")
    }

    @Test func eximFailedAddressAndHostAreFound() throws {
        let recipient = try Fixture.recipient("07-exim-user-unknown.eml")
        #expect(recipient.finalRecipient == "hoang.dung@example.org")
        #expect(recipient.remoteMTA == "mx2.example.org")
    }

    @Test func eximQuotedOriginalGivesReturnPathUnsubscribeAddressAndMessageID() throws {
        let report = try Fixture.report("07-exim-user-unknown.eml")
        #expect(report.originalAddresses == [VERP.address("injtp7s22z7vehh65bxefuu2sxhm4lcoh3x64vhl4hqj"),
                                             VERP.address("rth7lbh3caifaztfkfcfp2bkluattveruxqupeusrmqo")])
        #expect(report.originalMessageID == "inv.7.48.h4b9ne@cantho.gov.vn")
    }

    @Test func envelopeToCountsAsDeliveredTo() throws {
        let report = try Fixture.report("07-exim-user-unknown.eml")
        #expect(report.deliveredTo == [VERP.address("injtp7s22z7vehh65bxefuu2sxhm4lcoh3x64vhl4hqj")])
    }

    @Test func qmailFailureNoticeIsAPlainBounce() throws {
        #expect(try Fixture.report("08-qmail-no-mailbox.eml").kind == .plainBounce)
    }

    @Test func qmailStatusComesFromTheHashCode() throws {
        let recipient = try Fixture.recipient("08-qmail-no-mailbox.eml")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.action == "failed")
        #expect(recipient.diagnosticCode == "Sorry, no mailbox here by that name. (#5.1.1)")
    }

    @Test func qmailAddressLineNamesTheRecipient() throws {
        #expect(try Fixture.recipient("08-qmail-no-mailbox.eml").finalRecipient == "dang.khoa@example.com")
    }

    @Test func qmailQuotedOriginalGivesReturnPath() throws {
        let report = try Fixture.report("08-qmail-no-mailbox.eml")
        #expect(report.originalAddresses.first == VERP.address("25jhqhna5wbbdkbxyaowp2pld73d6ugfbbmisviy3ezx"))
        #expect(report.originalAddresses.contains(VERP.address("rcg72ii7nsy2i47f57txzf2cwqqsln3edcnsltnmmlyk")))
    }

    @Test func exchangeUndeliverableIsAPlainBounce() throws {
        #expect(try Fixture.report("09-exchange-2007-undeliverable.eml").kind == .plainBounce)
    }

    @Test func exchangeResolverCodeGivesStatusAndRecipient() throws {
        let recipient = try Fixture.recipient("09-exchange-2007-undeliverable.eml")
        #expect(recipient.status == "5.1.1")
        #expect(recipient.finalRecipient == "ngo.vinh@example.co.uk")
        #expect(recipient.diagnosticCode == "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##")
    }

    @Test func exchangeAttachedOriginalGivesReturnPathAndUnsubscribeAddress() throws {
        let report = try Fixture.report("09-exchange-2007-undeliverable.eml")
        #expect(report.originalAddresses == [VERP.address("sbex7n4fpeh4krwlxqnlrmayce723ej3kpgtaspzjspf"),
                                             VERP.address("yspgq4m4dtxglw5rf5syakwjsxig2bgwuebxjkh6wipr")])
        #expect(report.originalMessageID == "inv.7.50.w3e8yb@cantho.gov.vn")
    }

    @Test func eximDelayWarningIsATemporaryPlainBounce() throws {
        let report = try Fixture.report("10-exim-delay-warning.eml")
        #expect(report.kind == .plainBounce)
        #expect(report.recipients.map(\.action) == ["delayed"])
        #expect(report.recipients.map(\.status) == ["4.7.1"])
    }

    @Test func eximDelayWarningNamesTheWaitingRecipient() throws {
        #expect(try Fixture.recipient("10-exim-delay-warning.eml").finalRecipient == "bui.hanh@example.org")
    }

    @Test func basicReplyCodeGivesTheClassOnly() {
        let text = Array("The remote server said:\n   554 Transaction failed\n".utf8)
        #expect(PlainBounce.status(in: text).status == "5.0.0")
    }

    @Test func dottedNumbersAreNotStatusCodes() {
        let text = Array("host mx.example.org [192.0.2.41] said: 421 try later\n".utf8)
        #expect(PlainBounce.status(in: text).status == "4.0.0")
    }
}
