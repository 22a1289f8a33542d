import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Backup, restore and moving to a new server (issue 23), and the daemon as the shipped unit starts it.
@Suite(.serialized) struct SafeOpsBackupTests {
    static let event = "Config/events/new-year-gathering-2027.yaml"

    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int) ?? -1
    }

    @Test func aBackupHoldsTheDatabaseTheLinkSecretAndAManifestAllPrivate() throws {
        let w = try Workspace()
        try w.importPeople(3)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try w.outreach("campaign", "preview", "tet", "--out", w.path("p")).status == 0, "signs links: the secret exists")
        let dir = w.path("backup")
        let r = try w.outreach("backup", dir)
        #expect(r.status == 0, "\(r.stderr)")
        for file in ["outreach.sqlite", "link-secret", "manifest.json"] {
            #expect(mode(dir + "/" + file) == 0o600, "\(file)")
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/manifest.json"))) as? [String: Any]
        #expect((manifest?["counts"] as? [String: Int])?["contacts"] == 3, "\(manifest ?? [:])")
        #expect((manifest?["migrations"] as? [String])?.contains("safeops-audit-approval-secret") == true)
        #expect(try w.run("/usr/bin/sqlite3", [dir + "/outreach.sqlite", "PRAGMA integrity_check"]).stdout == "ok\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/link-secret")) == Data(contentsOf: URL(fileURLWithPath: w.path("link-secret"))))
        #expect(try w.outreach("backup", dir).status != 0, "an existing backup is never overwritten")
    }

    @Test func restoreIsRefusedWhileADaemonHoldsTheDatabaseThenPutsTheBackupBack() throws {
        let w = try Workspace()
        try w.importPeople(3)
        let dir = w.path("backup")
        #expect(try w.outreach("backup", dir).status == 0)
        try w.importPeople(5)
        #expect(try w.sql("SELECT count(*) FROM contacts") == "5")
        // The lock `outreach serve` holds while it runs.
        let fd = open(w.database + ".daemon-lock", O_CREAT | O_RDWR, 0o600)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        let refused = try w.outreach("restore", dir, "--yes")
        #expect(refused.status != 0 && refused.stderr.contains("stop it first"), "\(refused.stderr)")
        #expect(try w.sql("SELECT count(*) FROM contacts") == "5")
        close(fd)
        let restored = try w.outreach("restore", dir, "--yes")
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try w.sql("SELECT count(*) FROM contacts") == "3")
        #expect(mode(w.database) == 0o600)
        let audit = try w.outreach("audit", "--format", "json")
        #expect(audit.stdout.contains("\"restore\""), "the restore is written in the restored database's log")
    }

    @Test func aDamagedBackupIsNotRestored() throws {
        let w = try Workspace()
        try w.importPeople(3)
        let dir = w.path("backup")
        #expect(try w.outreach("backup", dir).status == 0)
        let copy = dir + "/outreach.sqlite"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: copy))
        for i in stride(from: 4096, to: bytes.count, by: 7) { bytes[i] = 0xA5 }
        try bytes.write(to: URL(fileURLWithPath: copy))
        let r = try w.outreach("restore", dir, "--yes")
        #expect(r.status != 0, "\(r.stdout)")
        #expect(try w.sql("SELECT count(*) FROM contacts") == "3")
    }

    @Test func movingToANewServerKeepsEveryLinkAlreadySentWorking() throws {
        let old = try Workspace()
        try old.importPeople(2)
        #expect(try old.outreach("campaign", "create", "tet", "--template", "new-year-gathering", "--event", Self.event).status == 0)
        #expect(try old.outreach("campaign", "preview", "tet", "--out", old.path("p")).status == 0)
        #expect(try old.outreach("backup", old.path("backup")).status == 0)
        let new = try Workspace()
        // The new server: an empty folder; restore brings the database and the secret.
        let bare = try new.run(outreachBinary, ["--database", new.database, "restore", old.path("backup"), "--yes"])
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: new.path("link-secret"))) == Data(contentsOf: URL(fileURLWithPath: old.path("link-secret"))))
        let preview = try new.outreach("campaign", "preview", "tet", "--out", new.path("p"))
        #expect(preview.status == 0, "\(preview.stderr)")
        let a = try String(contentsOfFile: old.path("p/person-0@example.org.eml"), encoding: .utf8)
        let b = try String(contentsOfFile: new.path("p/person-0@example.org.eml"), encoding: .utf8)
        let token = { (text: String) in text.components(separatedBy: "/u/").dropFirst().first?.prefix(40) }
        #expect(token(a) != nil && token(a) == token(b), "the same unsubscribe link on the new server")
    }

    @Test func theDaemonStartsWithExactlyTheShippedUnitsEnvironment() throws {
        let w = try Workspace()
        let credentials = w.path("credentials")
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        try w.write("credentials/outreach.link-secret", "c2FmZS1oYW5kcy1mb3ItdGhlLW9mZmljZS0yMDI3LXRlc3Q=\n")
        try w.write("credentials/outreach.smtp-password", "relay password\n")
        for file in ["outreach.link-secret", "outreach.smtp-password"] { chmod(credentials + "/" + file, 0o600) }
        let unit = try String(contentsOf: repositoryRoot.appendingPathComponent("Config/systemd/outreach.service"), encoding: .utf8)
        var environment: [String: String] = [:]
        for line in unit.split(separator: "\n") where line.hasPrefix("Environment=") {
            let pair = line.dropFirst("Environment=".count).split(separator: "=", maxSplits: 1).map(String.init)
            environment[pair[0]] = pair[1].replacingOccurrences(of: "%d", with: credentials)
        }
        #expect(Set(environment.keys) == ["OUTREACH_LINKS_SECRET_FILE", "OUTREACH_SMTP_PASSWORD_FILE"])
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let port = freePort()
        let shipped = try String(contentsOf: repositoryRoot.appendingPathComponent("Config/systemd/outreach.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "/var/lib/outreach/outreach.sqlite", with: w.database)
            .replacingOccurrences(of: "/usr/local/share/outreach/templates", with: repositoryRoot.appendingPathComponent("Templates").path)
            .replacingOccurrences(of: "smtp://relay.cantho.gov.vn:587", with: "smtp://127.0.0.1:\(sink.port)")
            .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
        let config = try w.write("outreach.yaml", shipped)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: outreachBinary)
        process.arguments = ["serve", "--config", config]
        process.environment = environment
        process.currentDirectoryURL = w.folder
        let log = Pipe()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        let started = waitUntil(20) { listening(port) || !process.isRunning }
        #expect(started && process.isRunning, "the daemon started")
        let health = try w.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/healthz"])
        #expect(health.stdout == "200")
        if process.isRunning { process.terminate() }
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output.suffix(600))")
    }
}
