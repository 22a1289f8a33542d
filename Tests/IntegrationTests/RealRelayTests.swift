import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

/// A real Postfix submission relay on loopback, as the office runs one: STARTTLS required, a SASL
/// login checked by Dovecot's auth service, a certificate from a private CA, relaying to
/// smtp-sink (Tests/relay/relay.sh builds it in a scratch folder and takes it down).
final class RealRelay {
    let folder: URL
    let port: Int
    let sink: SMTPSink
    static let user = "outreach", password = "Cần Thơ 2027"

    /// Whether this machine can run one: root, with postfix and dovecot-core (scripts/setup
    /// installs them). In CI it must: there the tests run whatever this says.
    static let available: Bool = {
        getuid() == 0 && ["/usr/sbin/postfix", "/usr/sbin/dovecot", "/usr/bin/openssl"].allSatisfy { FileManager.default.fileExists(atPath: $0) }
    }()
    static let required = available || ProcessInfo.processInfo.environment["CI"] == "true"

    /// `transports`: Postfix transport(5) lines routing some domains elsewhere than the sink.
    init(_ w: Workspace, transports: String? = nil) throws {
        folder = w.folder.appendingPathComponent("relay")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(w.folder.path, 0o755)
        chmod(folder.path, 0o755)
        sink = try SMTPSink(folder: w.folder.appendingPathComponent("next-hop"))
        port = freePort()
        // (Glibc's system(): Foundation's Process does not always reap a script whose daemons outlive it.)
        let script = repositoryRoot.appendingPathComponent("Tests/relay/relay.sh").path
        let errors = folder.appendingPathComponent("start.err").path
        let map = try transports.map { text -> String in
            let file = folder.appendingPathComponent("transport.in")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return " '\(file.path)'"
        } ?? ""
        let status = system("'\(script)' start '\(folder.path)' \(port) \(sink.port) '\(Self.user)' '\(Self.password)'\(map) </dev/null >/dev/null 2>'\(errors)'")
        guard status == 0 else {
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""])
        }
    }

    var url: String { "smtp://127.0.0.1:\(port)" }
    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    var log: String { (try? String(contentsOf: folder.appendingPathComponent("postfix/maillog"), encoding: .utf8)) ?? "" }

    func stop() {
        _ = system("'\(repositoryRoot.appendingPathComponent("Tests/relay/relay.sh").path)' stop '\(folder.path)' >/dev/null 2>&1")
        sink.stop()
    }

    deinit { stop() }
}

@Suite(.serialized, .enabled(if: RealRelay.required, "needs root, postfix, dovecot-core and openssl (scripts/setup installs them)"))
struct RealRelayTests {
    func daemon(_ w: Workspace, _ relay: RealRelay, url: String? = nil, password: String = RealRelay.password,
                ca: Bool = true) throws -> Daemon {
        var extra = ["OUTREACH_SMTP_URL": url ?? relay.url, "OUTREACH_SMTP_USERNAME": RealRelay.user,
                     "OUTREACH_SMTP_PASSWORD": password, "OUTREACH_SMTP_TIMEOUT": "10"]
        if ca { extra["OUTREACH_SMTP_CA_FILE"] = relay.caFile }
        return try Daemon(w, smtpPort: relay.port, extra: extra)
    }

    @Test func deliversThroughTheRelayOverSTARTTLSWithALoginAndThePrivateCA() throws {
        let w = try Workspace.launched(5)
        let relay = try RealRelay(w)
        let d = try daemon(w, relay)
        #expect(try w.finished(within: 60), "\(d.output)\n\(relay.log)")
        #expect(try waitUntil(20) { relay.sink.countsByRecipient().count == 5 }, "the relay passed every message on: \(relay.log)")
        #expect(relay.sink.countsByRecipient().values.allSatisfy { $0 == 1 })
        let relays = try w.status("c")["relays"] as? [[String: Any]] ?? []
        #expect(relays.first?["sent"] as? Int == 5, "\(relays)")
        #expect(d.stop() == 0)
        // Postfix logs what a session did when it ends (the daemon keeps its connections until it stops).
        #expect(waitUntil(10) { relay.log.contains("starttls=1 auth=1") }, "TLS and a login on every session: \(relay.log)")
    }

    @Test func withoutTheCAItPausesAndTheReasonNamesTheCertificateAndTheFix() throws {
        let w = try Workspace.launched(3)
        let relay = try RealRelay(w)
        let d = try daemon(w, relay, ca: false)
        #expect(try waitUntil(30) { try w.status("c")["status"] as? String == "paused" }, "\(d.output)")
        let status = try w.status("c")
        let reason = status["reason"] as? String ?? ""
        #expect(reason.contains("certificate") && reason.contains("smtp.ca_file"), "\(reason)")
        #expect(status["failed"] as? Int == 0 && status["queued"] as? Int == 3, "\(status)")
        #expect(d.stop() == 0)
    }

    @Test func aWrongPasswordPausesAndTheReasonQuotesThe535() throws {
        let w = try Workspace.launched(3)
        let relay = try RealRelay(w)
        let d = try daemon(w, relay, password: "not the password")
        #expect(try waitUntil(30) { try w.status("c")["status"] as? String == "paused" }, "\(d.output)")
        let status = try w.status("c")
        let reason = status["reason"] as? String ?? ""
        #expect(reason.contains("535"), "\(reason)")
        #expect(reason.contains("smtp.username"), "\(reason)")
        #expect(status["failed"] as? Int == 0, "\(status)")
        #expect(try w.sql("SELECT count(*) FROM suppressions") == "0")
        #expect(d.stop() == 0)
    }

    @Test func twoRelaysWithOneDownDeliverEverythingThroughTheOther() throws {
        // More than one claim's worth (a worker's first claim is 8 rows), so that workers on both
        // relays get rows: with 8, the first worker to claim could take them all on the live one.
        let w = try Workspace.launched(40)
        let relay = try RealRelay(w)
        let dead = "smtp://127.0.0.1:\(freePort())"
        let d = try daemon(w, relay, url: "\(dead),\(relay.url)")
        #expect(try w.finished(within: 60), "\(d.output)")
        #expect(try waitUntil(20) { relay.sink.countsByRecipient().count == 40 })
        let relays = try w.status("c")["relays"] as? [[String: Any]] ?? []
        #expect(relays.first { $0["url"] as? String == relay.url }?["sent"] as? Int == 40, "\(relays)")
        #expect(relays.first { $0["url"] as? String == dead }?["state"] as? String == "cooling", "\(relays)")
        #expect(d.stop() == 0)
    }

    @Test func doctorOpensASessionAsTheDaemonWouldAndNamesWhatToFix() throws {
        let w = try Workspace()
        let relay = try RealRelay(w)
        func session(_ extra: [String: String]) throws -> [String: Any]? {
            w.environment.merge(["OUTREACH_SMTP_URL": relay.url, "OUTREACH_SMTP_USERNAME": RealRelay.user,
                                 "OUTREACH_SMTP_PASSWORD": RealRelay.password]) { _, n in n }
            w.environment.merge(extra) { _, n in n }
            let r = try w.outreach("doctor", "--format", "json")
            let report = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
            let lines = report["checks"] as? [[String: Any]] ?? []
            return lines.first { ($0["check"] as? String)?.hasPrefix("relay session") == true }
        }
        let healthy = try #require(try session(["OUTREACH_SMTP_CA_FILE": relay.caFile]))
        #expect(healthy["ok"] as? Bool == true, "\(healthy)")
        w.environment["OUTREACH_SMTP_CA_FILE"] = nil
        let untrusted = try #require(try session([:]))
        #expect(untrusted["ok"] as? Bool == false)
        #expect((untrusted["fix"] as? String ?? "").contains("smtp.ca_file"), "\(untrusted)")
        let wrong = try #require(try session(["OUTREACH_SMTP_CA_FILE": relay.caFile, "OUTREACH_SMTP_PASSWORD": "nope"]))
        #expect(wrong["ok"] as? Bool == false && (wrong["detail"] as? String ?? "").contains("535"), "\(wrong)")
        #expect(relay.sink.countsByRecipient().isEmpty, "doctor sends no mail")
    }
}
