import Foundation
import Testing

/// `outreach serve`'s staff listener, as staff and an outsider meet it over real HTTP.
@Suite(.serialized) struct StaffListenerDaemonTests {
    @Test func theDaemonRefusesAStaffBindBeyondLoopbackWithoutAPassword() throws {
        let w = try Workspace()
        w.environment["OUTREACH_HTTP_BIND"] = "127.0.0.1:\(freePort())"
        w.environment["OUTREACH_STAFF_BIND"] = "0.0.0.0:\(freePort())"
        let r = try w.outreach("serve")
        #expect(r.status != 0)
        #expect(r.stderr.contains("staff.password_file"), "\(r.stderr)")
    }

    @Test func metricsAreOnTheStaffListenerBehindItsPasswordAndGoneFromThePublicOne() throws {
        let w = try Workspace()
        let made = try w.outreach("staff", "password", w.path("staff-password"), stdin: "a long staff password\n")
        #expect(made.status == 0, "\(made.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: w.path("staff-password"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port, extra: ["OUTREACH_STAFF_PASSWORD_FILE": w.path("staff-password")])
        defer { daemon.stop() }
        #expect(waitUntil(15) { listening(daemon.staffPort) }, "\(daemon.output)")
        func status(_ port: Int, _ path: String, _ user: String? = nil) throws -> String {
            try w.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}"] + (user.map { ["-u", $0] } ?? [])
                      + ["http://127.0.0.1:\(port)\(path)"]).stdout
        }
        #expect(try status(daemon.httpPort, "/metrics") == "404")
        #expect(try status(daemon.httpPort, "/healthz") == "200")
        #expect(try status(daemon.staffPort, "/metrics") == "401")
        #expect(try status(daemon.staffPort, "/metrics", "staff:not the password") == "401")
        #expect(try status(daemon.staffPort, "/metrics", "staff:a long staff password") == "200")
    }
}
