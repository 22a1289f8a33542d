import Testing
@testable import OutreachBounces

/// What is broken is read as far as it goes; what is not a message says why.
@Suite struct MalformedInputTests {
    @Test func reportWithoutClosingDelimiterIsStillRead() throws {
        let report = try Fixture.report("16-malformed-truncated-report.eml")
        #expect(report.kind == .deliveryStatus)
        #expect(report.recipients.map(\.status) == ["5.2.2"])
        #expect(report.recipients.map(\.finalRecipient) == ["trinh.phuc@example.com"])
    }

    @Test func lastPartRunsToTheEndWhenTheDelimiterIsMissing() throws {
        let report = try Fixture.report("16-malformed-truncated-report.eml")
        #expect(report.originalMessageID == "inv.7.59.e7h2lo@cantho.gov.vn")
        #expect(report.originalAddresses == [VERP.address("vre5752mim3aguvtinacvkgtr4v4vxiqv72vc7qgtnt3")])
    }

    @Test func base64WithStrayCharactersDecodesTheRest() throws {
        let message = try BounceReport.readMessage(Fixture.bytes("16-malformed-truncated-report.eml"))
        let text = message.children.first?.text ?? ""
        #expect(text.hasPrefix("This is the mail system at host mail.cantho.gov.vn.\n\nI'm sorry"))
        #expect(text.hasSuffix("be delivered to one or more recipients.\n"))
    }

    @Test func csvFileIsNotAMessage() throws {
        #expect(throws: BounceParseError.notAHeader(line: "\"email,name,language\"")) {
            try Fixture.report("16b-not-a-message.eml")
        }
    }

    @Test func emptyInputIsNotAMessage() {
        #expect(throws: BounceParseError.empty) {
            try BounceReport(parsing: [])
        }
    }

    @Test func binaryFileIsNotAMessage() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D]
        #expect(throws: BounceParseError.self) { try BounceReport(parsing: png) }
    }

    @Test func jsonWithAColonIsNotAMessage() {
        let json = Array("{\"to\":\"a@example.org\"}\n".utf8)
        #expect(throws: BounceParseError.self) { try BounceReport(parsing: json) }
    }

    @Test func mboxSeparatorLineIsSkipped() throws {
        let message = "From MAILER-DAEMON Tue Feb  2 09:14:03 2027\nFrom: a@example.org\nSubject: Hi\n\nHello\n"
        #expect(try BounceReport(parsing: Array(message.utf8)).subject == "Hi")
    }

    @Test func messageWithoutBodyIsRead() throws {
        let report = try BounceReport(parsing: Array("Subject: only a header".utf8))
        #expect(report.subject == "only a header")
        #expect(report.kind == .message)
    }

    @Test func deeplyNestedMultipartsStopAtTheDepthLimit() throws {
        var message = "From: a@example.org\nSubject: nest\n"
        for level in 0..<200 { message += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n" }
        message += "\nbody\n"
        #expect(try BounceReport(parsing: Array(message.utf8)).kind == .message)
    }

    @Test(arguments: Fixture.names)
    func everyTruncationOfAFixtureReadsWithoutCrashing(_ name: String) throws {
        let bytes = try Fixture.bytes(name)
        for length in stride(from: 0, through: bytes.count, by: 7) {
            _ = try? BounceReport(parsing: Array(bytes[..<length]))
        }
    }

    @Test(arguments: Fixture.names)
    func corruptedBytesReadWithoutCrashing(_ name: String) throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var bytes = try Fixture.bytes(name)
            guard !bytes.isEmpty else { continue }
            for _ in 0..<20 {
                let noise: [UInt8] = [0x0A, 0x0D, 0x3A, 0x3B, 0x3D, 0x3F, 0x22, 0x3C, 0x3E, 0x2D, 0x5C, 0xFF, 0x00, 0x20]
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = noise.randomElement(using: &generator)!
            }
            _ = try? BounceReport(parsing: bytes)
        }
    }
}
