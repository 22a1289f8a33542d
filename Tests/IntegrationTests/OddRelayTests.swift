import Foundation
import Testing

/// Relays that answer the final "." in ways smtp-sink cannot (issue 22, defect 17): the message
/// may have arrived, so it is an unknown outcome, sent again at most once, then unconfirmed; the
/// log says what was seen.
@Suite(.serialized) struct OddRelayTests {
    func unconfirmedAfterOneMoreTry(finalReply: String) throws -> (Workspace, String) {
        let w = try Workspace.launched(2)
        let relay = try ScriptedRelay(finalReply: finalReply, folder: w.folder)
        let daemon = try Daemon(w, smtpPort: relay.port)
        #expect(try waitUntil(40) { try w.count("c", "unconfirmed") == 2 }, "\(finalReply.prefix(20)): \(daemon.output)")
        // Each handed over twice, both replies unknown (a try that failed before the data may come first).
        let tries = try w.sql("SELECT group_concat(attempts || '/' || unknown_outcomes || '/' || last_reply, ' | ') FROM outbox")
        #expect(try w.sql("SELECT count(*) FROM outbox WHERE unknown_outcomes = 2") == "2", "\(tries)")
        #expect(try w.count("c", "failed") == 0 && w.count("c", "retry") == 0)
        let output = daemon.output
        #expect(daemon.stop() == 0)
        return (w, output)
    }

    @Test func anOutOfRangeCodeAfterTheFinalDotIsAnUnknownOutcome() throws {
        let (_, log) = try unconfirmedAfterOneMoreTry(finalReply: "600 odd")
        #expect(log.contains("the relay answered the end of data with an out-of-range code: 600 odd"), "\(log)")
        #expect(log.contains("outcome unknown again; marked unconfirmed"))
    }

    @Test func aReplyTooLongForLibcurlAfterTheFinalDotIsAnUnknownOutcome() throws {
        let (_, log) = try unconfirmedAfterOneMoreTry(finalReply: "LONG:400000")
        #expect(log.contains("no reply libcurl could read to the end of data"), "\(log.suffix(2000))")
    }
}
