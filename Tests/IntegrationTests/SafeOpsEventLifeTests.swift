import Foundation
import Testing

/// A whole event's life as the office lives it, in all six languages: a notice with a mistake,
/// deleted and corrected; a cancellation sent by mistake, undone before it went out.
@Suite(.serialized) struct SafeOpsEventLifeTests {
    static let event = "Config/events/new-year-gathering-2027.yaml"
    static let oldVenue = ["vi": "Phòng tiệc Sông Hậu, Khách sạn Ninh Kiều Riverside", "fr": "Salle de réception Sông Hậu, hôtel Ninh Kiều Riverside"]

    /// The event file with the venue changed in Vietnamese and English only (as staff write it).
    func movedEvent(_ w: Workspace, _ name: String, vi: String, en: String) throws -> String {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(Self.event), encoding: .utf8)
            .replacingOccurrences(of: "  vi: \"\(Self.oldVenue["vi"]!)\"", with: "  vi: \"\(vi)\"")
            .replacingOccurrences(of: "  en: \"Sông Hậu Ballroom, Ninh Kiều Riverside Hotel\"", with: "  en: \"\(en)\"")
        return try w.write(name, text)
    }

    /// `campaign preview` of `slug`, parsed by check-ics.py (python email + icalendar), by recipient.
    func previews(_ w: Workspace, _ slug: String) throws -> [String: [String: Any]] {
        let out = w.path("preview-\(slug)-\(UUID().uuidString.prefix(4))")
        let r = try w.outreach("campaign", "preview", slug, "--out", out)
        #expect(r.status == 0, "\(r.stderr)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("scripts/check-ics.py").path, out]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let parsed = (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
        return Dictionary(uniqueKeysWithValues: parsed.map { ($0["to"] as? String ?? "", $0) })
    }

    /// person-N's language in `importPeople`.
    static let languages = ["vi", "en", "fr", "ko", "ja", "zh"]
    func person(_ language: String) -> String { "person-\(Self.languages.firstIndex(of: language)!)@example.org" }
    func message(_ previews: [String: [String: Any]], _ language: String) -> [String: Any] {
        previews.first { $0.key.contains(person(language)) }?.value ?? [:]
    }

    @Test func aMistakenNoticeIsDeletedAndCorrectedAndACancellationUndoneInEveryLanguage() throws {
        let w = try Workspace()
        try w.importPeople(6)
        #expect(try w.outreach("campaign", "create", "inv", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try w.outreach("campaign", "launch", "inv").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try waitUntil(60) { try w.status("inv")["status"] as? String == "finished" }, "\(daemon.output)")
        #expect(try w.outreach("campaign", "create", "rem", "--reminder-of", "inv", "--template", "event-reminder").status == 0)
        #expect(try w.outreach("campaign", "launch", "rem", "--at", "2027-01-20T09:00:00+07:00").status == 0)

        // A venue changed in Vietnamese and English only is a change for everyone.
        let wrong = try movedEvent(w, "wrong.yaml", vi: "Hội trường Sai", en: "Wrong Hall")
        let notice = try w.outreach("campaign", "notice", "moved", "--of", "inv", "--event", wrong)
        #expect(notice.status == 0 && notice.stdout.contains("venue (vi, en)"), "\(notice.stdout)\(notice.stderr)")
        let wrongPreviews = try previews(w, "moved")
        for language in Self.languages {
            let m = message(wrongPreviews, language)
            let venue = language == "vi" ? "Hội trường Sai" : "Wrong Hall"
            #expect((m["location"] as? String ?? "").contains(venue), "\(language): \(m["location"] ?? "none")")
            #expect((m["text"] as? String ?? "").contains("→ \(venue)"), "\(language): what changed is shown")
        }

        // Deleted while a draft: the invitation's event is back as it was.
        #expect(try w.outreach("campaign", "delete", "moved").status == 0)
        let back = try previews(w, "inv")
        #expect((message(back, "fr")["location"] as? String ?? "").contains(Self.oldVenue["fr"]!))
        #expect((message(back, "vi")["location"] as? String ?? "").contains(Self.oldVenue["vi"]!))
        #expect(message(back, "fr")["sequence"] as? Int == 0)

        // The corrected file is taken, compared with the event as recorded now.
        let right = try movedEvent(w, "right.yaml", vi: "Hội trường Đúng", en: "Right Hall")
        #expect(try w.outreach("campaign", "notice", "moved-right", "--of", "inv", "--event", right).status == 0)
        let rightPreviews = try previews(w, "moved-right")
        for language in Self.languages {
            let m = message(rightPreviews, language)
            let venue = language == "vi" ? "Hội trường Đúng" : "Right Hall"
            #expect((m["location"] as? String ?? "").contains(venue), "\(language)")
            #expect(!(m["text"] as? String ?? "").contains("Wrong Hall") && !(m["text"] as? String ?? "").contains("Hội trường Sai"), "\(language)")
            #expect(m["sequence"] as? Int == 1, "\(language)")
        }
        #expect(try w.outreach("campaign", "launch", "moved-right").status == 0)
        #expect(try waitUntil(60) { try w.status("moved-right")["status"] as? String == "finished" }, "\(daemon.output)")

        // A cancellation by mistake, undone before it was launched: the reminder is back.
        #expect(try w.outreach("campaign", "notice", "off", "--of", "inv", "--cancel").status == 0)
        #expect(try w.sql("SELECT status FROM campaigns WHERE slug = 'rem'") == "cancelled")
        #expect(try w.outreach("campaign", "delete", "off").status == 0)
        #expect(try w.sql("SELECT status FROM campaigns WHERE slug = 'rem'") == "scheduled")
        #expect(try w.sql("SELECT event_cancelled_at IS NULL FROM campaigns WHERE slug = 'inv'") == "1")
        #expect(try w.sql("SELECT count(*) FROM outbox o JOIN campaigns c ON c.id = o.campaign_id WHERE c.slug = 'rem' AND o.state = 'cancelled'") == "0")
        let reminders = try previews(w, "rem")
        for language in Self.languages {
            let m = message(reminders, language)
            #expect(m["status"] as? String != "CANCELLED", "\(language)")
            #expect((m["location"] as? String ?? "").contains(language == "vi" ? "Hội trường Đúng" : "Right Hall"), "\(language)")
        }
        #expect(daemon.stop() == 0)
    }
}
