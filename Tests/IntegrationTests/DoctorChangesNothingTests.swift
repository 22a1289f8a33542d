import Foundation
import Testing

/// `outreach doctor` reports and changes nothing (issue 22, point 10): run as root on the
/// daemon's database it must not leave -wal/-shm files the daemon's user cannot open, chmod the
/// database or migrate it.
@Suite struct DoctorChangesNothingTests {
    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    /// A database no process has open (its -wal and -shm are gone), left 0644 by hand.
    func idleDatabase(_ w: Workspace) throws -> (files: [String], modified: Date?) {
        try w.importPeople(2)
        chmod(w.database, 0o644)
        let files = try FileManager.default.contentsOfDirectory(atPath: w.folder.path).filter { $0.hasPrefix("outreach.sqlite") && !$0.hasSuffix(".lock") }.sorted()
        #expect(files == ["outreach.sqlite"], "a closed register leaves no -wal or -shm: \(files)")
        return (files, try FileManager.default.attributesOfItem(atPath: w.database)[.modificationDate] as? Date)
    }

    func expectUnchanged(_ w: Workspace, _ before: (files: [String], modified: Date?), _ r: CommandResult) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: w.folder.path).filter { $0.hasPrefix("outreach.sqlite") && !$0.hasSuffix(".lock") }.sorted()
        #expect(files == before.files, "doctor created no -wal or -shm: \(files)")
        #expect(mode(w.database) == 0o644, "doctor chmods nothing")
        #expect(try FileManager.default.attributesOfItem(atPath: w.database)[.modificationDate] as? Date == before.modified)
        let line = r.stdout.split(separator: "\n").first { $0.contains("database") } ?? ""
        #expect(line.hasPrefix("FAIL") && line.contains("mode 644") && line.contains("chmod 600"), "it reports what it found: \(r.stdout)")
    }

    @Test func theDatabaseCheckReadsWithoutCreatingOrChangingFiles() throws {
        let w = try Workspace()
        let before = try idleDatabase(w)
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(freePort())"
        let r = try w.outreach("doctor", "--timeout", "1")
        try expectUnchanged(w, before, r)
    }

    @Test(.enabled(if: BounceMailboxServer.available, "needs root and dovecot (scripts/setup installs it)"))
    func theMailboxCheckReadsTheDaemonsLastReadingWithoutOpeningTheRegister() throws {
        let w = try Workspace()
        let mailbox = try BounceMailboxServer(w)
        w.environment.merge(mailbox.environment) { _, n in n }
        let before = try idleDatabase(w)
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(freePort())"
        let r = try w.outreach("doctor", "--timeout", "5")
        let line = r.stdout.split(separator: "\n").first { $0.contains("bounce mailbox") } ?? ""
        #expect(line.hasPrefix("ok"), "\(r.stdout)")
        try expectUnchanged(w, before, r)
    }
}
