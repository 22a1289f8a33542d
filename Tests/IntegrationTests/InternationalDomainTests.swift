import Foundation
import Testing

/// An address at an IDN domain goes to a relay without SMTPUTF8 (smtp-sink offers none) with its
/// domain in A-labels, in RCPT TO and in `To:` (issue 22, point 18).
@Suite struct InternationalDomainTests {
    @Test func rcptToAndTheToHeaderCarryTheALabel() throws {
        let w = try Workspace()
        let csv = try w.write("idn.csv", "email,name,language,consent\nlan@bücher.example,Nguyễn Thị Lan,vi,yes\n")
        #expect(try w.outreach("contacts", "import", csv).status == 0)
        try w.launchCampaign()
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        defer { sink.stop() }
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(within: 30), "\(daemon.output)")
        #expect(daemon.stop() == 0)
        let messages = sink.messages()
        #expect(messages.map(\.recipient) == ["lan@xn--bcher-kva.example"])
        let file = try w.write("sent.eml", messages.first?.body ?? [])
        let parsed = try parseWithPython([file])
        #expect(parsed.first?["to_address"] as? String == "lan@xn--bcher-kva.example", "\(parsed)")
    }
}
