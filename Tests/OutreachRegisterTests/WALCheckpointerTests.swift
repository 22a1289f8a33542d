import Clocks
import Foundation
import GRDB
import Logging
import Testing
@testable import OutreachRegister
import OutreachImport
import OutreachModel

/// The daemon's commits must not wait for checkpoints: the log is copied back by a connection of
/// its own, on a real SQLite file.
@Suite struct WALCheckpointerTests {
    @Test func theLogIsCopiedBackInTheBackgroundNotByTheWriter() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-wal-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let register = try Register(path: path)
        func writerThreshold() throws -> Int? {
            try register.dbWriter.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        }
        func databaseFileBytes() throws -> Int { (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        #expect(try writerThreshold() == 1000)

        let clock = TestClock()
        let checkpointer = WALCheckpointer(register: register, clock: clock, interval: .milliseconds(200), fallbackPages: 20_000,
                                           logger: Logger(label: "test"))
        let running = Task { try await checkpointer.run() }
        var raised = false
        for _ in 0..<200 where !raised {
            raised = try writerThreshold() == 20_000
            if !raised { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(raised, "the writer no longer checkpoints at 1,000 pages")

        // About 3,000 pages: past the default threshold, below the raised one.
        let before = try databaseFileBytes()
        try await register.dbWriter.write { db in
            try db.execute(sql: "CREATE TABLE filler (x BLOB)")
            try db.execute(sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) INSERT INTO filler SELECT randomblob(3000) FROM n")
        }
        // The time has not come: nothing is copied (the writer no longer does it itself).
        try await Task.sleep(for: .milliseconds(100))
        #expect(try databaseFileBytes() < before + 3000 * 3000, "no checkpoint before the interval has passed")

        // The interval passes, and goes on passing while we look: on a loaded machine the timer may
        // start waiting on the test clock only after a first advance (then that one reaches nobody).
        var copied = false
        for _ in 0..<500 where !copied {
            await clock.advance(by: .milliseconds(200))
            copied = try databaseFileBytes() >= before + 3000 * 3000
            if !copied { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(copied, "the database file received the pages from the log")

        running.cancel()
        try await running.value
        #expect(try writerThreshold() == 1000, "the writer checkpoints for itself again once the checkpointer stops")
    }

    @Test func theDaemonsBoundedPageCacheAppliesToTheWriterAndTheReaders() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-cache-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let register = try Register(path: path, pageCacheKiB: 512)
        #expect(try register.dbWriter.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -512)
        #expect(try register.dbWriter.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -512)
        let plain = try Register(path: path)
        #expect(try plain.dbWriter.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -2000)
    }
}

/// A launch syncs its own commit. While a daemon runs (it holds `<db>.daemon-lock`), copying the
/// log back is left to the daemon's checkpointer: the rows are durable and visible at once, and
/// closing the command does not checkpoint. Without a daemon the close checkpoints, so no -wal is
/// left behind (a command run as root would leave files the daemon's user cannot open).
@Suite struct LaunchCheckpointTests {
    /// Launches 500 people on a fresh register and closes it; `daemon`: a lock held as `serve` does.
    func launchAndClose(daemon: Bool) throws -> (walBytes: Int, queued: Int?) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-launch-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", ".daemon-lock", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var lock: Int32 = -1
        if daemon {
            lock = open(path + ".daemon-lock", O_CREAT | O_RDWR, 0o600)
            #expect(lock >= 0 && flock(lock, LOCK_EX | LOCK_NB) == 0)
        }
        defer { if lock >= 0 { close(lock) } }
        var register: Register? = try Register(path: path)
        try register!.dbWriter.write { db in
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                INSERT INTO contacts (email, email_key, language, consent_status, created_at, updated_at)
                SELECT 'p' || i || '@example.org', 'p' || i || '@example.org', 'en', 'granted', '2026-11-29', '2026-11-29' FROM n
                """)
        }
        _ = try register!.insert(Campaign(slug: "c", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                          eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        func settings() throws -> [Int?] {
            try register!.dbWriter.writeWithoutTransaction { db in
                [try Int.fetchOne(db, sql: "PRAGMA synchronous"), try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint")]
            }
        }
        let before = try settings()
        #expect(try register!.launch("c").added == 500)
        #expect(try settings() == before, "synchronous and the checkpoint threshold come back after the launch")
        register = nil  // closes every connection, as the command does when it exits

        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        let reopened = try Register(path: path)
        return (wal, try reopened.dbWriter.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox") })
    }

    @Test func whileADaemonRunsALaunchLeavesItsRowsInTheLogForItsCheckpointer() throws {
        let (wal, queued) = try launchAndClose(daemon: true)
        #expect(wal > 0, "the launch's rows wait in the log for the daemon's checkpointer")
        #expect(queued == 500)
    }

    @Test func withoutADaemonALaunchLeavesNoLogBehind() throws {
        let (wal, queued) = try launchAndClose(daemon: false)
        #expect(wal == 0, "the close checkpointed and removed the -wal")
        #expect(queued == 500)
    }
}
