import Foundation
import Testing

/// `outreach backup` while the daemon sends a 20,000-message campaign (issue 23, done when).
@Suite(.serialized) struct SafeOpsBackupDuringSendTests {
    static let messages = 20_000

    @Test func aBackupDuringALargeSendIsSoundHoldsWhatWasCommittedAndTheSendLosesNothing() throws {
        let w = try Workspace()
        try w.importPeople(Self.messages)
        #expect(try w.outreach("campaign", "create", "big", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        #expect(try w.outreach("campaign", "launch", "big").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port, extra: ["OUTREACH_DELIVERY_WORKERS": "8"])
        #expect(waitUntil(120) { (try? w.count("big", "sent")) ?? 0 >= 500 }, "\(daemon.output)")
        // Every row committed before the backup starts.
        let sentBefore = Set(try w.sql("SELECT contact_id FROM outbox WHERE state = 'sent'").split(separator: "\n"))
        let backup = try w.outreach("backup", w.path("backup"))
        #expect(backup.status == 0, "\(backup.stderr)")
        let sendingDuring = try w.count("big", "queued")
        #expect(sendingDuring > 0, "the backup ran while messages were still queued")
        let copy = w.path("backup/outreach.sqlite")
        #expect(try w.run("/usr/bin/sqlite3", [copy, "PRAGMA integrity_check"]).stdout == "ok\n")
        let sentInCopy = Set(try w.run("/usr/bin/sqlite3", [copy, "SELECT contact_id FROM outbox WHERE state = 'sent'"]).stdout
            .split(separator: "\n"))
        #expect(sentBefore.isSubset(of: sentInCopy), "\(sentBefore.subtracting(sentInCopy).count) rows sent before the backup are missing")
        #expect(try w.run("/usr/bin/sqlite3", [copy, "SELECT count(*) FROM contacts"]).stdout == "\(Self.messages)\n")
        #expect(try w.run("/usr/bin/sqlite3", [copy, "SELECT count(*) FROM outbox"]).stdout == "\(Self.messages)\n")
        // The send goes on to the end: every message sent once.
        #expect(waitUntil(900) { (try? w.status("big")["status"] as? String) == "finished" }, "\(daemon.output.suffix(500))")
        #expect(try w.count("big", "sent") == Self.messages)
        let received = sink.countsByRecipient()
        #expect(received.count == Self.messages && received.values.allSatisfy { $0 == 1 })
        #expect(daemon.stop() == 0)
    }
}
