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
