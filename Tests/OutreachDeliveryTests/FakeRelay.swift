import Foundation
import Logging
import OutreachCampaigns
@testable import OutreachDelivery
import OutreachImport
import OutreachLinks
import OutreachModel
import OutreachRegister
import Synchronization

/// A clock whose time moves only when a worker waits: a retry an hour away comes after a few
/// hundred loops, in milliseconds of real time.
final class FakeClock: DeliveryClock {
    private let now = Mutex<Int64>(1_800_000_000_000)
    private let nextSleep = Mutex<(@Sendable () -> Void)?>(nil)
    func nowMs() -> Int64 { now.withLock { $0 } }
    func monotonicSeconds() -> Double { Double(nowMs()) / 1000 }
    func sleep(ms: Int64) {
        now.withLock { $0 += max(ms, 1) }
        nextSleep.withLock { $0.take() }?()
        usleep(50)  // let the test thread look in
    }
    /// Runs `happen` once, on the waiting worker's thread, during its next wait: what the world
    /// does while a worker waits.
    func duringNextSleep(_ happen: @escaping @Sendable () -> Void) { nextSleep.withLock { $0 = happen } }
}

/// One message handed to the fake relay.
struct Handed: Sendable {
    let to: String
    let atMs: Int64
    let bytes: Int
    let relay: String
    /// Messages of the campaign already recorded as sent when this one was handed over.
    let sentBefore: Int
    /// The connection (one per worker and relay) it went through, numbered from 1.
    let connection: Int
}

/// An in-process relay that answers as a script says: refuses, drops, loses the final reply, or
/// stalls until the test lets it go (maddy's `unreliableTarget` in its queue tests does the same).
final class FakeRelay: @unchecked Sendable {
    /// What `relay` answers to the `n`th attempt (from 1) for an address.
    typealias Script = @Sendable (_ relay: String, _ to: String, _ attempt: Int) -> DeliveryOutcome
    private let script: Script
    private let clock: FakeClock
    private let state = Mutex<(handed: [Handed], attempts: [String: Int], connections: Int)>(([], [:], 0))
    /// Addresses whose next attempt blocks until `release()`.
    private let stallFor: Set<String>
    private let stalled = DispatchSemaphore(value: 0)
    private let reached = DispatchSemaphore(value: 0)

    /// Reads how many messages are recorded as sent, at each hand-over.
    var sentSoFar: @Sendable () -> Int = { 0 }
    /// How long the relay takes to answer the final "." (the clock moves on by it).
    var replyDelayMs: Int64 = 0
    /// What the world does while the relay takes its time (e.g. the scheduler's step).
    var whileReplying: @Sendable () -> Void = {}

    init(clock: FakeClock, stallFor: Set<String> = [], script: @escaping Script = { _, _, _ in .sent(nil) }) {
        self.clock = clock
        self.stallFor = stallFor
        self.script = script
    }

    /// The connection of one worker to `relay`.
    final class Connection: MailTransport {
        let relay: String
        let fake: FakeRelay
        let number: Int
        init(relay: String, fake: FakeRelay) {
            self.relay = relay
            self.fake = fake
            number = fake.state.withLock { s in s.connections += 1; return s.connections }
        }
        func send(_ message: [UInt8], from: String, to: EmailAddress, beforeEndOfData: () -> Void) -> DeliveryOutcome {
            fake.send(message, to: to, relay: relay, connection: number, beforeEndOfData: beforeEndOfData)
        }
    }

    /// As a relay would: the message's end goes out (after `beforeEndOfData`) unless the
    /// script refuses it before the data. `sentBefore` is read when the end goes out, in the
    /// same step as the message joins `handed` (so the list's order is the order of the readings).
    func send(_ message: [UInt8], to: EmailAddress, relay: String, connection: Int, beforeEndOfData: () -> Void) -> DeliveryOutcome {
        let attempt = state.withLock { s -> Int in
            s.attempts[to.value, default: 0] += 1
            return s.attempts[to.value]!
        }
        if stallFor.contains(to.value) && attempt == 1 {
            reached.signal()
            stalled.wait()
        }
        let answer = script(relay, to.value, attempt)
        switch answer {
        case .sent, .unknown, .transient(_, _, false): beforeEndOfData()
        case .permanent(_, _, _, let stage) where stage == .endOfData || stage == .data: beforeEndOfData()
        default: break
        }
        if replyDelayMs > 0 {
            clock.sleep(ms: replyDelayMs)
            whileReplying()
        }
        state.withLock { s in
            s.handed.append(Handed(to: to.value, atMs: clock.nowMs(), bytes: message.count, relay: relay, sentBefore: sentSoFar(),
                                   connection: connection))
        }
        return answer
    }

    /// Waits until a stalled send has begun.
    func waitForStall() { reached.wait() }
    /// Lets the stalled send answer.
    func release() { stalled.signal() }

    var handed: [Handed] { state.withLock { $0.handed } }
    func attempts(_ to: String) -> Int { state.withLock { $0.attempts[to, default: 0] } }
}

let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// A register with `people` contacts who consented, and a launched campaign for them: in memory,
/// or in the SQLite file at `path` (for another connection to write to, as the CLI would).
struct DeliveryBench {
    let register: Register
    let clock = FakeClock()
    let relay: FakeRelay
    let context: DeliveryContext
    let slug = "tet"

    init(people: [String], settings adjust: (inout Settings) -> Void = { _ in }, batchSize: Int = 8, leaseMs: Int64 = 600_000,
         stallFor: Set<String> = [], path: String? = nil, script: @escaping FakeRelay.Script = { _, _, _ in .sent(nil) }) async throws {
        register = try path.map { try Register(path: $0) } ?? Register()
        var importer = ContactImporter()
        importer.source = "bench.csv"
        let csv = "email,consent\n" + people.map { "\($0),yes\n" }.joined()
        _ = try importer.importBytes(Array(csv.utf8), fileName: "bench.csv", into: register)
        _ = try CampaignLifecycle(register: register).create(slug: slug, templateName: "new-year-gathering",
                                        templatesRoot: "\(repositoryRoot)/Templates",
                                        eventFile: "\(repositoryRoot)/Config/events/new-year-gathering-2027.yaml", segment: "", subject: nil)
        var settings = Settings()
        settings.retrySchedule = [.seconds(60), .seconds(300)]
        adjust(&settings)
        let relay = FakeRelay(clock: clock, stallFor: stallFor, script: script)
        self.relay = relay
        context = DeliveryContext(register: register, settings: settings,
                                  links: Links(baseURL: "https://invite.example.org", signer: LinkSigner(secrets: ["secret"])),
                                  logger: Logger(label: "test"), batchSize: batchSize, clock: clock, leaseMs: leaseMs,
                                  makeTransport: { _, url, _ in FakeRelay.Connection(relay: url, fake: relay) })
        _ = try register.launch(slug, now: Date(timeIntervalSince1970: Double(clock.nowMs()) / 1000))
        let register = register, slug = slug
        relay.sentSoFar = { (try? CampaignLifecycle(register: register).status(slug).sent) ?? -1 }
        try await refresh()
    }

    /// What the scheduler does every quarter second: start, finish, tell the workers what runs.
    func refresh() async throws {
        context.setRunning(try await register.advanceCampaigns(nowMs: clock.nowMs()))
    }

    /// Runs one worker on a thread of its own until `until` holds of the campaign's status (or
    /// ten seconds pass), then stops it and waits for it to commit and return.
    @discardableResult
    func run(forAtMost seconds: Double = 10, until done: @escaping @Sendable (CampaignStatus) -> Bool) async throws -> CampaignStatus {
        let worker = DeliveryWorker(number: 1, context: context)
        let finished = DispatchSemaphore(value: 0)
        Thread { worker.run(); finished.signal() }.start()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !done(try CampaignLifecycle(register: register).status(slug)) {
            try await Task.sleep(for: .milliseconds(5))
        }
        context.stop()
        finished.wait()
        return try CampaignLifecycle(register: register).status(slug)
    }
}

/// `n` addresses at `domain`.
func people(_ n: Int, at domain: String = "example.org") -> [String] { (1...n).map { "p\($0 < 10 ? "0" : "")\($0)@\(domain)" } }

/// A reply line as a relay writes it.
func reply(_ line: String) -> SMTPReply { SMTPReply(line: line)! }

/// Runs `work` to its end from a thread that is not Swift's (a worker's, a relay's).
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<Result<T, any Error>?>(nil)
    Task {
        let r: Result<T, any Error>
        do { r = .success(try await work()) } catch { r = .failure(error) }
        result.withLock { $0 = r }
        done.signal()
    }
    done.wait()
    return try result.withLock { $0! }.get()
}
