import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A free TCP port on loopback.
func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func listening(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = UInt16(port).bigEndian
    return withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// Polls `condition` every 100 ms until it holds or `seconds` pass; returns whether it held.
@discardableResult
func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return true }
        usleep(100_000)
    }
    return try condition()
}

let sbin = ["/usr/sbin", "/usr/lib/postfix/sbin"].first { FileManager.default.fileExists(atPath: "\($0)/smtp-sink") } ?? "/usr/sbin"

/// Postfix's smtp-sink on loopback, dumping each message it accepts into `folder`, with
/// whatever faults `options` ask for (see `man smtp-sink`).
final class SMTPSink {
    let port: Int
    let folder: URL
    let process = Process()

    init(port: Int = freePort(), folder: URL, options: [String] = []) throws {
        self.port = port
        self.folder = folder
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(folder.path, 0o777)
        process.executableURL = URL(fileURLWithPath: "\(sbin)/smtp-sink")
        process.arguments = ["-u", "nobody", "-d", folder.path + "/%M."] + options + ["127.0.0.1:\(port)", "100"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard waitUntil(10, { listening(port) }) else { throw CocoaError(.featureUnsupported) }
    }

    /// smtp-sink ignores SIGTERM: it gets SIGKILL.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    deinit { stop() }

    /// The messages received: (recipient, what we sent). smtp-sink stores lines with LF and
    /// prepends its own X-* and Received lines; ours start at "From: " and come back with CRLF.
    func messages() -> [(recipient: String, body: [UInt8])] {
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        return files.compactMap { url in
            guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8),
                  let rcptLine = text.split(separator: "\n").first(where: { $0.hasPrefix("X-Rcpt-Args: ") }),
                  let start = text.range(of: "\nFrom: ") else { return nil }
            let rcpt = rcptLine.dropFirst("X-Rcpt-Args: <".count).prefix { $0 != ">" }
            let ours = text[text.index(after: start.lowerBound)...].replacingOccurrences(of: "\n", with: "\r\n")
            return (String(rcpt), Array(ours.utf8))
        }
    }

    /// How many messages each recipient got.
    func countsByRecipient() -> [String: Int] {
        var counts: [String: Int] = [:]
        for m in messages() { counts[m.recipient, default: 0] += 1 }
        return counts
    }
}

/// `outreach serve` for a workspace.
final class Daemon {
    let process = Process()
    let httpPort: Int
    /// The staff listener's port (`staff.bind`: staff pages, `/metrics`).
    let staffPort: Int
    let log: URL

    /// `launcher`: a command that runs the daemon (e.g. `prlimit --nofile=N:N`), or nothing.
    init(_ w: Workspace, smtpPort: Int, httpPort: Int = freePort(), extra: [String: String] = [:], launcher: [String] = []) throws {
        self.httpPort = httpPort
        staffPort = freePort()
        log = w.folder.appendingPathComponent("serve-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        var env = w.environment
        env["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(smtpPort)"
        env["OUTREACH_HTTP_BIND"] = "127.0.0.1:\(httpPort)"
        env["OUTREACH_HTTP_BASE_URL"] = "http://localhost:\(httpPort)"
        env["OUTREACH_STAFF_BIND"] = "127.0.0.1:\(staffPort)"
        env["OUTREACH_SMTP_TIMEOUT"] = env["OUTREACH_SMTP_TIMEOUT"] ?? "2"
        env["OUTREACH_DELIVERY_RETRY_SCHEDULE"] = env["OUTREACH_DELIVERY_RETRY_SCHEDULE"] ?? "1s"
        env["OUTREACH_DELIVERY_RELAY_COOLDOWN"] = env["OUTREACH_DELIVERY_RELAY_COOLDOWN"] ?? "1s"
        env.merge(extra) { _, new in new }
        process.executableURL = URL(fileURLWithPath: launcher.first ?? outreachBinary)
        process.arguments = (launcher.isEmpty ? [] : Array(launcher.dropFirst()) + [outreachBinary])
            + ["serve", "--database", w.database, "--log-level", "notice"]
        process.currentDirectoryURL = repositoryRoot
        process.environment = env
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        guard waitUntil(15, { listening(httpPort) }) else { throw CocoaError(.featureUnsupported) }
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// SIGTERM (graceful) and the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill9() } }
}

extension Workspace {
    /// `campaign status SLUG --format json`.
    func status(_ slug: String) throws -> [String: Any] {
        let r = try outreach("campaign", "status", slug, "--format", "json")
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func count(_ slug: String, _ key: String) throws -> Int { try status(slug)[key] as? Int ?? -1 }

    /// Runs `sqlite3` on the workspace database and returns its output.
    func sql(_ query: String) throws -> String {
        try run("/usr/bin/sqlite3", [database, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Imports `count` consenting contacts `person-N@example.org` (mixed languages).
    func importPeople(_ count: Int, domain: String = "example.org") throws {
        var csv = "email,name,kind,country,language,consent\n"
        let languages = ["vi", "en", "fr", "ko", "ja", "zh"]
        for i in 0..<count {
            csv += "person-\(i)@\(domain),Nguyễn Văn Người \(i),overseas_vietnamese,DE,\(languages[i % 6]),yes\n"
        }
        let r = try outreach("contacts", "import", try write("people-\(count).csv", csv))
        precondition(r.status == 0, r.stderr)
    }
}

/// Runs scripts/check-eml.py (Python's email package, policy=default) on files or folders.
func parseWithPython(_ paths: [String]) throws -> [[String: Any]] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot.appendingPathComponent("scripts/check-eml.py").path] + paths
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
}
