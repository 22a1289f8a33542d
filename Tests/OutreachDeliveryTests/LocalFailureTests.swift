import Foundation
import OutreachCampaigns
@testable import OutreachDelivery
import OutreachModel
import OutreachRegister
import Testing

/// Failures stay where they happen (issue 22, defects 4 and 5): one campaign that cannot be
/// composed pauses itself and the others go on; a write error that is not "busy" stops delivery
/// with the error reported instead of blocking every worker for ever.
@Suite struct LocalFailureTests {
    @Test func aCampaignThatCannotBeComposedPausesWithItsErrorAndTheOthersGoOn() async throws {
        let bench = try await DeliveryBench(people: people(4))
        // A campaign whose frozen template is unreadable (as a damaged or hand-edited row would be).
        _ = try bench.register.insert(Campaign(slug: "broken", templateName: "t", purpose: .invitation, templateSnapshot: "{}",
                                               eventFile: nil, eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        _ = try bench.register.launch("broken", now: Date(timeIntervalSince1970: Double(bench.clock.nowMs()) / 1000))
        try await bench.refresh()
        let broken = try CampaignLifecycle(register: bench.register).status("broken")
        #expect(broken.status == "paused")
        #expect(broken.reason?.hasPrefix("cannot compose its messages") == true, "\(broken.reason ?? "no reason")")
        let status = try await bench.run { $0.sent == 4 }
        #expect(status.sent == 4, "the other campaign is delivered")
        #expect(try CampaignLifecycle(register: bench.register).status("broken").sent == 0)
    }

    @Test func aWriteErrorThatIsNotBusyStopsDeliveryAndSaysWhy() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("outreach.sqlite").path
        let bench = try await DeliveryBench(people: people(8), path: path)
        // While the relay answers the second message, the database starts refusing outcomes
        // (as a full disk or a read-only file would: an error, not "busy").
        let armed = ManagedFlag()
        bench.relay.replyDelayMs = 1
        bench.relay.whileReplying = {
            guard bench.relay.handed.count == 1, armed.set() else { return }
            let sqlite = Process()
            sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            sqlite.arguments = ["-cmd", ".timeout 5000", path, """
                CREATE TRIGGER refuse_outcomes BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'sent'
                BEGIN SELECT RAISE(ABORT, 'the disk says no'); END;
                """]
            try? sqlite.run()
            sqlite.waitUntilExit()
        }
        let context = bench.context
        _ = try await bench.run { _ in context.writeFault != nil }
        #expect(context.writeFault?.contains("the disk says no") == true, "\(context.writeFault ?? "no fault")")
        #expect(bench.relay.handed.count <= 3, "the worker stopped sending: \(bench.relay.handed.count) handed over")
    }
}

extension LocalFailureTests {
    /// Defect 11: only a lock held by another daemon reads "another outreach serve is running".
    @Test func aLockFileThatCannotBeOpenedSaysSoNotThatAnotherDaemonRuns() async throws {
        let bench = try await DeliveryBench(people: people(1), settings: { $0.databasePath = "/nonexistent-\(UUID().uuidString)/outreach.sqlite" })
        let service = DeliveryService(context: bench.context, clock: ContinuousClock())
        await #expect {
            try await service.run()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("cannot open the daemon's lock file") && text.contains("No such file or directory")
        }
    }
}

/// A flag set once, from any thread.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    /// Sets it; true the first time.
    func set() -> Bool { lock.withLock { defer { isSet = true }; return !isSet } }
}

extension LocalFailureTests {
    /// The write error that stopped delivery is left on record next to the database, where
    /// `outreach doctor` reads it (the database itself may be what refuses writes).
    @Test func theWriteFaultThatStoppedDeliveryIsOnRecordForDoctor() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("outreach.sqlite").path
        let bench = try await DeliveryBench(people: people(2), settings: { $0.databasePath = path }, path: path)
        let service = DeliveryService(context: bench.context, clock: ContinuousClock())
        try await service.tick()
        #expect(DeliveryFaultRecord.read(database: path) == nil, "nothing to record while writes succeed")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = ["-cmd", ".timeout 5000", path, """
            CREATE TRIGGER refuse_outcomes BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'sent'
            BEGIN SELECT RAISE(ABORT, 'the disk says no'); END;
            """]
        try sqlite.run()
        sqlite.waitUntilExit()
        let context = bench.context
        _ = try await bench.run { _ in context.writeFault != nil }
        try await service.tick()
        let record = try #require(DeliveryFaultRecord.read(database: path))
        #expect(record.error.contains("the disk says no"), "\(record)")
        let mode = try FileManager.default.attributesOfItem(atPath: DeliveryFaultRecord.path(database: path))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aCampaignThatCannotBeComposedSaysSoInTheStaffsLanguage() async throws {
        let bench = try await DeliveryBench(people: people(1), settings: { $0.uiLanguage = .vi })
        _ = try bench.register.insert(Campaign(slug: "broken", templateName: "t", purpose: .invitation, templateSnapshot: "{}",
                                               eventFile: nil, eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        _ = try bench.register.launch("broken", now: Date(timeIntervalSince1970: Double(bench.clock.nowMs()) / 1000))
        try await bench.refresh()
        let reason = try CampaignLifecycle(register: bench.register).status("broken").reason ?? ""
        #expect(reason.hasPrefix("không soạn được thư của chiến dịch: "), "\(reason)")
    }
}
