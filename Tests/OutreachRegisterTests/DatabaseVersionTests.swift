import Foundation
import GRDB
import Testing
@testable import OutreachRegister

/// A database's version against this binary's: older ones are copied before they are migrated,
/// newer ones refused and left as they were (issue 23).
@Suite struct DatabaseVersionTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outreach-version-\(UUID().uuidString).sqlite").path
    }

    private func remove(_ path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasPrefix(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + file)
        }
    }

    @Test func anOlderDatabaseIsCopiedNextToItselfBeforeItIsMigratedAndTheCopySaidOnStandardError() throws {
        let path = temporaryPath()
        defer { remove(path) }
        let last = Register.migrationNames.last!
        let before = Register.migrationNames[Register.migrationNames.count - 2]
        do {
            let queue = try DatabaseQueue(path: path)
            try Register.migrator.migrate(queue, upTo: before)
        }
        var said: [String] = []
        _ = try Register(path: path, announce: { said.append($0) })
        let copy = "\(path).before-\(last)"
        #expect(said.count == 1 && said[0].contains(copy), "\(said)")
        let mode = (try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
        let kept = try DatabaseQueue(path: copy)
        let (migrations, integrity) = try kept.read { db in
            (try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), try String.fetchAll(db, sql: "PRAGMA integrity_check"))
        }
        #expect(migrations.last == before)
        #expect(integrity == ["ok"])
        // Opened again, up to date: nothing more is copied.
        said = []
        _ = try Register(path: path, announce: { said.append($0) })
        #expect(said.isEmpty)
    }

    @Test func aNewDatabaseIsCreatedWithoutACopy() throws {
        let path = temporaryPath()
        defer { remove(path) }
        var said: [String] = []
        _ = try Register(path: path, announce: { said.append($0) })
        #expect(said.isEmpty)
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix((path as NSString).lastPathComponent + ".before-") }.isEmpty)
    }

    @Test func aNewerDatabaseIsRefusedAndLeftAsItWas() throws {
        let path = temporaryPath()
        defer { remove(path) }
        _ = try Register(path: path)
        do {
            let queue = try DatabaseQueue(path: path)
            try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('from-the-future')") }
        }
        #expect(throws: NewerDatabaseError.self) { _ = try Register(path: path) }
        let queue = try DatabaseQueue(path: path)
        let migrations = try queue.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(migrations.contains("from-the-future"))
    }
}

/// Issue 22, defect 16: registers opened together on one file take turns under the lock next to
/// it, so an older database is copied once, by the one that migrates it, and a new one not at all.
@Suite struct MigrationLockTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("outreach-lock-\(UUID().uuidString).sqlite").path
    }

    private func remove(_ path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        for file in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where file.hasPrefix(name) {
            try? FileManager.default.removeItem(atPath: folder + "/" + file)
        }
    }

    /// The migrations applied to the database at `path`, in order.
    private func migrations(at path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
    }

    /// Opens `count` registers on `path` at once, each on its own thread; returns what each said
    /// and each one's error.
    private func openTogether(_ path: String, count: Int) async -> (said: [String], errors: [String]) {
        await withTaskGroup(of: ([String], String?).self) { group in
            for _ in 0..<count {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        Thread.detachNewThread {
                            var said: [String] = []
                            do {
                                _ = try Register(path: path, announce: { said.append($0) })
                                continuation.resume(returning: (said, nil))
                            } catch {
                                continuation.resume(returning: (said, "\(error)"))
                            }
                        }
                    }
                }
            }
            var said: [String] = [], errors: [String] = []
            for await (s, e) in group { said += s; if let e { errors.append(e) } }
            return (said, errors)
        }
    }

    @Test func registersOpenedTogetherOnAnOlderDatabaseCopyItOnceAndAllOpen() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let last = Register.migrationNames.last!
        let before = Register.migrationNames[Register.migrationNames.count - 2]
        do {
            let queue = try DatabaseQueue(path: path)
            try Register.migrator.migrate(queue, upTo: before)
        }
        let (said, errors) = await openTogether(path, count: 12)
        #expect(errors.isEmpty, "\(errors)")
        #expect(said.count == 1 && said.first?.contains("\(path).before-\(last)") == true, "\(said)")
        #expect(try migrations(at: "\(path).before-\(last)").last == before)
        #expect(try migrations(at: path) == Register.migrationNames)
    }

    @Test func registersOpenedTogetherOnANewDatabaseAllOpenWithoutACopy() async throws {
        let path = temporaryPath()
        defer { remove(path) }
        let (said, errors) = await openTogether(path, count: 12)
        #expect(errors.isEmpty, "\(errors)")
        #expect(said.isEmpty, "\(said)")
        #expect(try migrations(at: path) == Register.migrationNames)
    }

    @Test func aCommandThatWaitsTooLongForTheLockSaysWhoHoldsIt() throws {
        let path = temporaryPath()
        defer { remove(path) }
        let message = try MigrationLock.holding(path) {
            // Another opener (its own file description) cannot have the lock while this one holds it.
            do {
                _ = try MigrationLock.holding(path, wait: .zero) { 0 }
                return "no error"
            } catch let error as RegisterFileError {
                return error.message.key
            }
        }
        #expect(message == "register.lock_timeout")
    }
}
