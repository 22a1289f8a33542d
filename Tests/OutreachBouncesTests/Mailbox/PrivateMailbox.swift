import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A private Dovecot on loopback ports holding the bounce mailbox, as an office runs one
/// (Tests/mailbox/mailbox.sh builds it in a scratch folder and takes it down).
final class PrivateMailbox {
    static let user = "bounces", password = "Cần Thơ 2027"
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../mailbox/mailbox.sh").standardizedFileURL.path

    /// Whether this machine can run one: root, with dovecot-core, dovecot-imapd, dovecot-lmtpd and
    /// openssl. In CI it must: there the tests run whatever this says, and fail.
    static let available: Bool = {
        getuid() == 0 && ["/usr/sbin/dovecot", "/usr/bin/doveadm", "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp", "/usr/bin/openssl"]
            .allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }()
    static let required = available || ProcessInfo.processInfo.environment["CI"] == "true"
    static let reason: Comment = "needs root and the Debian packages dovecot-core, dovecot-imapd, dovecot-lmtpd and openssl"

    let folder: URL
    private(set) var imapPort = 0, lmtpPort = 0
    private(set) var imapsPort: Int?

    /// Starts it; with `imaps`, also on an imaps port (and STARTTLS on the IMAP port) with a private CA.
    /// A port free when chosen can be taken before Dovecot binds it (by a test running alongside,
    /// or an outgoing connection's ephemeral port): then it starts again on other ports.
    init(imaps: Bool = false) throws {
        var template = Array("/tmp/outreach-mailbox-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp: \(String(cString: strerror(errno)))") }
        folder = URL(fileURLWithPath: String(cString: made))
        for attempt in 1...3 {
            (imapPort, lmtpPort) = (PrivateMailbox.freePort(), PrivateMailbox.freePort())
            imapsPort = imaps ? PrivateMailbox.freePort() : nil
            do {
                try run("start '\(folder.path)' \(imapPort) \(lmtpPort) '\(Self.user)' '\(Self.password)' \(imapsPort.map(String.init) ?? "")")
                return
            } catch let failure as Failure where attempt < 3 && failure.description.contains("Address already in use") {
                _ = system("'\(Self.script)' stop '\(folder.path)' >/dev/null 2>&1")
            }
        }
    }

    deinit { stop() }

    /// The mailbox URL for `folder` over plain IMAP (STARTTLS when offered).
    func url(_ folder: String = "INBOX") -> String { "imap://127.0.0.1:\(imapPort)/\(folder)" }
    var imapsURL: String { "imaps://localhost:\(imapsPort ?? 0)/INBOX" }
    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    var log: String { (try? String(contentsOf: folder.appendingPathComponent("dovecot.log"), encoding: .utf8)) ?? "" }
    /// Successful IMAP logins so far, as Dovecot logs them.
    var logins: Int { log.components(separatedBy: "\n").filter { $0.contains("imap-login: Info: Login: ") }.count }

    /// Puts `messages` into the INBOX, in this order.
    func deliver(_ messages: [[UInt8]]) throws {
        var files: [String] = []
        for (i, message) in messages.enumerated() {
            let file = folder.appendingPathComponent("message-\(i).eml")
            try Data(message).write(to: file)
            files.append("'\(file.path)'")
        }
        try run("deliver '\(folder.path)' '\(Self.user)' \(files.joined(separator: " "))")
    }

    /// Writes `count` copies of `message` straight into the INBOX's maildir.
    func fill(_ count: Int, with message: [UInt8]) throws {
        let file = folder.appendingPathComponent("fill.eml")
        try Data(message).write(to: file)
        try run("fill '\(folder.path)' '\(Self.user)' \(count) '\(file.path)'")
    }

    func createFolder(_ name: String) throws {
        try run("create '\(folder.path)' '\(Self.user)' '\(name)'")
    }

    /// The UIDs Dovecot lists in `name` (by doveadm, not through the code under test).
    func uids(in name: String) throws -> [UInt32] {
        let out = folder.appendingPathComponent("search.out").path
        let status = system("doveadm -c '\(folder.path)/dovecot.conf' search -u '\(Self.user)' mailbox '\(name)' all >'\(out)' 2>&1")
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failure("doveadm search: \(text)") }
        return text.split(separator: "\n").compactMap { $0.split(separator: " ").last.flatMap { UInt32($0) } }
    }

    func stop() {
        guard FileManager.default.fileExists(atPath: folder.path) else { return }
        _ = system("'\(Self.script)' stop '\(folder.path)' >/dev/null 2>&1")
        try? FileManager.default.removeItem(at: folder)
    }

    // Glibc's system(): Foundation's Process may never reap a script whose daemons outlive it.
    private func run(_ arguments: String) throws {
        let errors = folder.appendingPathComponent("script.err").path
        let status = system("'\(Self.script)' \(arguments) </dev/null >/dev/null 2>'\(errors)'")
        guard status == 0 else {
            throw Failure("mailbox.sh \(arguments.prefix { $0 != " " }): \((try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension PrivateMailbox {
    /// A loopback TCP port nothing listens on (just now).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A bounce report as the relay would file it: CRLF lines, a distinct subject.
    static func report(_ n: Int) -> [UInt8] {
        Array(("From: MAILER-DAEMON@relay.example.org\r\nTo: bounces+t\(n)@example.org\r\nSubject: Undelivered Mail Returned to Sender \(n)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\nThe mail system: <an\(n)@example.net>: host said 550 5.1.1 unknown user\r\n").utf8)
    }
}
