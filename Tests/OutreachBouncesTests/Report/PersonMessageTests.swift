import Testing
@testable import OutreachBounces

/// Mail a person writes to the address in List-Unsubscribe.
@Suite struct PersonMessageTests {
    @Test func unsubscribeMailIsAMessage() throws {
        #expect(try Fixture.report("15-person-unsubscribe.eml").kind == .message)
    }

    @Test func unsubscribeMailWasDeliveredToTheVERPAddress() throws {
        let report = try Fixture.report("15-person-unsubscribe.eml")
        #expect(report.deliveredTo == [VERP.address("hbgybmymmu2wiyylqp2fiokclcc57qspqcjgqpuqwxdo")])
        #expect(report.subject == "unsubscribe")
    }

    @Test func quotedDisplayNameWithCommaIsDroppedFromFrom() throws {
        #expect(try Fixture.report("15-person-unsubscribe.eml").from == "duong.gia@example.com")
    }

    @Test func vietnameseReplyIsAMessage() throws {
        #expect(try Fixture.report("15b-person-vietnamese-qp.eml").kind == .message)
    }

    @Test func utf8QEncodedSubjectIsDecoded() throws {
        #expect(try Fixture.report("15b-person-vietnamese-qp.eml").subject == "Hủy đăng ký")
    }

    @Test func toAndCcAreDeduplicatedAfterDeliveredTo() throws {
        let report = try Fixture.report("15b-person-vietnamese-qp.eml")
        #expect(report.deliveredTo == [VERP.address("rvryarb2vumt67y3tnydubnlzehl7ldrj2ow2gjc334k"), "tram.bao@example.vn"])
    }

    @Test func replyKeepsTheInvitationItAnswers() throws {
        #expect(try Fixture.report("15b-person-vietnamese-qp.eml").originalMessageID == "inv.7.58.s4t9cu@cantho.gov.vn")
    }

    @Test func quotedPrintableVietnameseBodyDecodes() throws {
        let message = try BounceReport.readMessage(Fixture.bytes("15b-person-vietnamese-qp.eml"))
        #expect(message.text.contains("Xin vui lòng hủy đăng ký cho tôi."))
    }
}
