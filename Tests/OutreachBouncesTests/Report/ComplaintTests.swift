import Testing
@testable import OutreachBounces

/// Abuse reports in the Abuse Reporting Format (RFC 5965).
@Suite struct ComplaintTests {
    @Test func yahooReportIsAComplaint() throws {
        #expect(try Fixture.report("11-arf-yahoo-abuse.eml").kind == .complaint)
    }

    @Test func feedbackTypeIsRead() throws {
        #expect(try Fixture.report("11-arf-yahoo-abuse.eml").feedbackType == "abuse")
    }

    @Test func complaintHasNoRecipientStatuses() throws {
        #expect(try Fixture.report("11-arf-yahoo-abuse.eml").recipients.isEmpty)
    }

    @Test func attachedMessageGivesMessageID() throws {
        #expect(try Fixture.report("11-arf-yahoo-abuse.eml").originalMessageID == "inv.7.52.f9k4sa@cantho.gov.vn")
    }

    @Test func originalAddressesIncludeReturnPathUnsubscribeAndReportFields() throws {
        let report = try Fixture.report("11-arf-yahoo-abuse.eml")
        #expect(report.originalAddresses == [VERP.address("ey2v7w6hukqvc3npur54usxpfptgkkiukfe5igvnx2eq"),
                                             VERP.address("rbdtgso32qyuq7kqgl3bu4tyv4idrqu6vradccgozite"),
                                             "lam.uyen@yahoo.com"])
    }

    @Test func reportWithOnlyHeadersIsAComplaint() throws {
        let report = try Fixture.report("12-arf-headers-only.eml")
        #expect(report.kind == .complaint)
        #expect(report.feedbackType == "abuse")
    }

    @Test func headersOnlyReportGivesMessageIDAndAddresses() throws {
        let report = try Fixture.report("12-arf-headers-only.eml")
        #expect(report.originalMessageID == "inv.7.53.r1d5gx@cantho.gov.vn")
        #expect(report.originalAddresses == [VERP.address("g2bn3loxebojpbb5rhsw6weeg2jcqxihmwmqptuhovon"),
                                             VERP.address("vhuzqk65uwzlpgu6bccv5wvdgjd22meicz6hkg4zahzj"),
                                             "ho.loc@isp.example.net"])
    }

    @Test func complaintIsDeliveredToTheFeedbackAddress() throws {
        #expect(try Fixture.report("12-arf-headers-only.eml").deliveredTo == ["bounces@cantho.gov.vn"])
    }
}
