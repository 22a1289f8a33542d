import Foundation
import Testing

/// `outreach serve` as mail scanners, old links and attackers meet it (issue 14).
@Suite struct HardeningDaemonTests {
    /// The status line and headers (lower-cased names) of one answer.
    func fetch(_ port: Int, _ method: String, _ path: String, body: String? = nil) -> (status: Int, headers: [String: String], body: String) {
        guard let c = RawConnection(port: port) else { return (0, [:], "") }
        var request = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        if let body { request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)" } else { request += "\r\n" }
        let text = c.exchange(request, within: 10) ?? ""
        let (head, rest) = text.range(of: "\r\n\r\n").map { (String(text[..<$0.lowerBound]), String(text[$0.upperBound...])) } ?? (text, "")
        let lines = head.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, rest)
    }

    /// Link paths (`/u/…`, `/r/…?answer=…`, `/c/…`) in a campaign's previews.
    func links(_ w: Workspace, _ slug: String) throws -> [String] {
        #expect(try w.outreach("campaign", "preview", slug, "--out", w.path(slug)).status == 0)
        let html = try parseWithPython([w.path(slug)]).compactMap { $0["html"] as? String }.joined()
        let regex = try Regex("/[ucr]/[A-Za-z0-9_~-]{46}(\\?answer=(yes|no))?")
        return Array(Set(html.matches(of: regex).map { String(html[$0.range]) })).sorted()
    }

    @Test func aScannerFetchingEveryLinkWithGetAndHeadChangesNothing() throws {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "import", w.write("c.csv", "email,name,language,consent\nlan@example.vn,Lan,vi,yes\nwait@example.com,Wait,en,no\n")).status == 0)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        #expect(try w.outreach("campaign", "create", "ask", "--template", "consent-request").status == 0)
        let paths = try links(w, "tet") + links(w, "ask")
        #expect(paths.filter { $0.hasPrefix("/r/") }.count == 2 && paths.contains { $0.hasPrefix("/u/") } && paths.contains { $0.hasPrefix("/c/") })
        let daemon = try Daemon(w, smtpPort: freePort())
        defer { daemon.stop() }
        for path in paths + ["/healthz"] {
            for method in ["GET", "HEAD"] {
                let r = fetch(daemon.httpPort, method, path + (path.contains("answer=yes") ? "&guests=3" : ""))
                #expect(r.status == 200, "\(method) \(path)")
                #expect(r.headers["content-security-policy"]?.contains("default-src 'none'") == true, "\(method) \(path)")
                if method == "HEAD" { #expect(r.body.isEmpty) }
            }
        }
        #expect(try w.sql("SELECT count(*) FROM rsvps") == "0", "a GET records no RSVP")
        #expect(try w.show("lan@example.vn")?["suppressed"] as? Bool == false)
        #expect(try w.show("wait@example.com")?["consent"] as? String == "pending")
    }

    @Test func aTokenSpelledWithItsUnusedBitsSetIsNotFound() throws {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "import", w.write("c.csv", "email,consent\nlan@example.vn,yes\n")).status == 0)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        let good = try #require(try links(w, "tet").first { $0.hasPrefix("/u/") })
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: good.last!)!
        let daemon = try Daemon(w, smtpPort: freePort())
        defer { daemon.stop() }
        #expect(fetch(daemon.httpPort, "GET", good).status == 200)
        for bits in 1..<16 {
            let twin = String(good.dropLast()) + String(alphabet[last | bits])
            #expect(fetch(daemon.httpPort, "GET", twin).status == 404, "\(twin)")
            #expect(fetch(daemon.httpPort, "POST", twin, body: "List-Unsubscribe=One-Click").status == 404)
        }
        #expect(try w.show("lan@example.vn")?["suppressed"] as? Bool == false)
    }

    @Test func aStaffUnsubscribeSurvivesAnOldConfirmLink() throws {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "import", w.write("c.csv", "email,consent\nwait@example.com,no\n")).status == 0)
        #expect(try w.outreach("campaign", "create", "ask", "--template", "consent-request").status == 0)
        let confirm = try #require(try links(w, "ask").first { $0.hasPrefix("/c/") })
        #expect(try w.outreach("contacts", "unsubscribe", "wait@example.com", "--evidence", "asked by phone").status == 0)
        let daemon = try Daemon(w, smtpPort: freePort())
        defer { daemon.stop() }
        let r = fetch(daemon.httpPort, "POST", confirm, body: "")
        #expect(r.status == 200)
        let shown = try #require(try w.show("wait@example.com"))
        #expect(shown["suppressed"] as? Bool == true, "the staff unsubscribe stands")
        #expect(shown["consent"] as? String == "withdrawn")
    }

    @Test func theParsersErrorsCarryTheSecurityHeaders() throws {
        let w = try Workspace()
        let daemon = try Daemon(w, smtpPort: freePort())
        defer { daemon.stop() }
        let c = try #require(RawConnection(port: daemon.httpPort))
        c.send("NOT HTTP \u{1}\r\n\r\n")
        let answer = c.readAll(within: 5).lowercased()
        #expect(answer.hasPrefix("http/1.1 400"))
        #expect(answer.contains("content-security-policy: default-src 'none'") && answer.contains("referrer-policy: no-referrer"), "\(answer)")
    }

    @Test func aReadOnlyDataFolderGetsItsOwnError() throws {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "import", w.write("c.csv", "email,consent\nlan@example.vn,yes\n")).status == 0)
        let process = Process()
        // Root may write anywhere: the daemon runs as nobody, for whom the folder is read-only.
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", outreachBinary, "--database", w.database, "serve"]
        } else {
            chmod(w.folder.path, 0o555)
            process.executableURL = URL(fileURLWithPath: outreachBinary)
            process.arguments = ["--database", w.database, "serve"]
        }
        defer { chmod(w.folder.path, 0o755) }
        var env = w.environment
        env["OUTREACH_HTTP_BIND"] = "127.0.0.1:\(freePort())"
        process.environment = env
        process.currentDirectoryURL = repositoryRoot
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let exited = waitUntil(15) { !process.isRunning }
        if !exited { process.terminate() }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(exited && process.terminationStatus != 0)
        #expect(stderr.contains("read-only") && stderr.contains(w.folder.path), "\(stderr)")
        #expect(!stderr.contains("another outreach serve"))
    }
}
