import Foundation
import Testing

/// Durable before told (issue 22, defect 2), seen with strace because this sandbox has no loop
/// device or dm-flakey to cut: the daemon runs under `strace -f -y`, 200 one-click unsubscribes
/// are answered one after another, and every 200 answer must come after an fsync/fdatasync of the
/// -wal that follows the last WAL write before it (the commit's frames are on disk before the
/// person is told). With `synchronous = NORMAL` the frames are written and not synced.
@Suite struct DurabilityTests {
    @Test func everyOneClickUnsubscribeIsSyncedBeforeItIsAnswered() throws {
        let w = try Workspace()
        let people = 200
        try w.importPeople(people)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        #expect(try w.outreach("campaign", "preview", "tet", "--out", w.path("eml")).status == 0)
        let html = try parseWithPython([w.path("eml")]).compactMap { $0["html"] as? String }.joined()
        let links = Set(html.matches(of: try Regex("/u/[A-Za-z0-9_~-]{46}")).map { String(html[$0.range]) })
        #expect(links.count == people)

        let trace = w.path("strace.txt")
        let daemon = try Daemon(w, smtpPort: freePort(), launcher: [
            "/usr/bin/strace", "-f", "-y", "-ttt", "-s", "16", "-o", trace,
            "-e", "trace=fdatasync,fsync,pwrite64,write,writev,sendmsg,sendto"])
        var answered = 0
        for path in links.sorted() {
            if post(daemon.httpPort, path, body: "List-Unsubscribe=One-Click") == 200 { answered += 1 }
        }
        // SIGTERM to the daemon itself (strace would only detach), then strace ends with it.
        if let pid = tracedPID(trace) { kill(pid, SIGTERM) }
        daemon.process.waitUntilExit()
        #expect(answered == people)
        #expect(try w.sql("SELECT count(*) FROM suppressions") == "\(people)")

        let check = try walSyncedBeforeAnswers(String(contentsOfFile: trace, encoding: .utf8))
        #expect(check.answers == people, "HTTP 200 answers seen in the trace: \(check.answers)")
        #expect(check.unsynced == 0, "\(check.unsynced) answers came before their WAL frames were synced")
    }

    /// One POST on a connection of its own; the status code (0: no answer).
    func post(_ port: Int, _ path: String, body: String) -> Int {
        guard let c = RawConnection(port: port) else { return 0 }
        let request = "POST \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        let text = c.exchange(request, within: 10) ?? ""
        return Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// The daemon's pid: the first pid in strace's output file (`-f -o` prefixes every line with it).
    func tracedPID(_ path: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { pid_t($0.split(separator: " ").first ?? "") }
    }

    /// Walks the trace in order of completion: a WAL write, a WAL sync, an answer with status 200.
    /// An answer is unsynced when a WAL write came after the last WAL sync before it.
    func walSyncedBeforeAnswers(_ trace: String) throws -> (answers: Int, unsynced: Int) {
        var pending: [Substring: Substring] = [:]  // pid → the call it left unfinished (with its fd)
        var dirty = false, answers = 0, unsynced = 0
        for line in trace.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3 else { continue }
            let pid = fields[0]
            var call = fields[2]
            if call.contains("<unfinished ...>") { pending[pid] = call; continue }
            if call.hasPrefix("<... ") {  // resumed: the call's name and fd are on its first line
                guard let first = pending.removeValue(forKey: pid) else { continue }
                call = first + call
            }
            let wal = call.contains("-wal>")
            if call.hasPrefix("pwrite64(") && wal { dirty = true }
            if (call.hasPrefix("fdatasync(") || call.hasPrefix("fsync(")) && wal && call.hasSuffix("= 0") { dirty = false }
            if (call.hasPrefix("write") || call.hasPrefix("send")) && call.contains("socket:") && call.contains("HTTP/1.1 200") {
                answers += 1
                if dirty { unsynced += 1 }
            }
        }
        return (answers, unsynced)
    }
}
