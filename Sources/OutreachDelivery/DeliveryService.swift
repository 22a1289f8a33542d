import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import OutreachModel
import OutreachRegister
import ServiceLifecycle
import Synchronization

/// The delivery half of the daemon: starts scheduled campaigns on time, runs the workers, marks
/// campaigns finished, returns expired leases to the queue. On graceful shutdown (SIGTERM) the
/// workers stop claiming, finish the message in hand, commit, and release what they had claimed.
/// The scheduler steps on `clock` (a test clock in tests, so they advance time instead of waiting).
public final class DeliveryService<C: Clock<Duration>>: Service, Sendable {
    public let context: DeliveryContext
    private let lockPath: String
    private let clock: C
    private let watch = Mutex(CampaignWatch())
    private let interval: Duration
    /// Whether the write fault that stopped delivery is on record for `doctor`.
    private let faultRecorded = Mutex(false)

    public init(context: DeliveryContext, clock: C, interval: Duration = .milliseconds(250)) {
        self.context = context
        self.lockPath = context.settings.databasePath + ".daemon-lock"
        self.clock = clock
        self.interval = interval
    }

    public func run() async throws {
        let fd = open(lockPath, O_CREAT | O_RDWR, 0o600)
        guard fd >= 0 else { throw DeliveryFailure.cannotOpenLock(lockPath, String(cString: strerror(errno))) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            // Only EWOULDBLOCK means another daemon holds it; anything else is this file's own trouble.
            if errno == EWOULDBLOCK { throw DeliveryFailure.alreadyRunning(lockPath) }
            throw DeliveryFailure.cannotOpenLock(lockPath, String(cString: strerror(errno)))
        }
        let logger = context.logger
        DeliveryFaultRecord.clear(database: context.settings.databasePath)
        // We are the only daemon: whatever is still `sending` was in flight when the last one died.
        let recovered = try await context.register.requeueEverythingInFlight()
        try await context.register.forgetRelayStates()
        if recovered > 0 { logger.notice("returned rows left in flight by a previous daemon to the queue", metadata: ["outbox.rows": "\(recovered)"]) }
        try await tick()

        let count = context.workerCount
        let group = DispatchGroup()
        for n in 1...count {
            group.enter()
            let worker = DeliveryWorker(number: n, context: context)
            let thread = Thread {
                // Bulk sending yields the CPU to the pages recipients are waiting on (a click on
                // "unsubscribe" must not queue behind a hundred thousand invitations).
                // (On Linux, PRIO_PROCESS with 0 sets the nice value of the calling thread only.)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                worker.run()
                group.leave()
            }
            thread.name = "outreach-delivery-\(n)"
            thread.start()
        }
        logger.info("delivery started", metadata: ["delivery.workers": "\(count)"])
        var ticks = 0
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            ticks += 1
            do { try await tick(depth: ticks % 8 == 0) } catch { logger.error("scheduler tick failed", metadata: ["error": "\(error)"]) }
        }
        context.stop()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            group.notify(queue: .global()) { done.resume() }
        }
        context.committer.logTotals()
        try await context.register.requeueEverythingInFlight()
        logger.info("delivery stopped")
    }

    /// Starts due campaigns, finishes complete ones, requeues expired leases, refreshes the workers' list.
    func tick(depth: Bool = true) async throws {
        recordWriteFault()
        let running = try await context.register.advanceCampaigns(nowMs: context.clock.nowMs())
        context.setRunning(running)
        let states = try await context.register.campaignStates()
        watch.withLock { $0.note(states, logger: context.logger) }
        if depth { DeliveryMetrics.queueDepth.record(try await context.register.queueDepth()) }
    }
}

extension DeliveryService {
    /// Puts the write error that stopped delivery on record for `doctor`, once.
    func recordWriteFault() {
        guard let fault = context.writeFault, faultRecorded.withLock({ done in defer { done = true }; return !done }) else { return }
        let record = DeliveryFaultRecord(at: Timestamp.string(), error: fault)
        if !record.write(database: context.settings.databasePath) {
            context.logger.error("cannot record the write fault for doctor",
                                 metadata: ["file.path": "\(DeliveryFaultRecord.path(database: context.settings.databasePath))"])
        }
    }
}

/// Why the delivery service cannot start.
public enum DeliveryFailure: StaffFacingError {
    /// Another daemon holds the lock file.
    case alreadyRunning(String)
    /// The lock file cannot be opened or locked (permissions, a read-only folder): its path and why.
    case cannotOpenLock(String, String)
    public var message: StaffMessage {
        switch self {
        case .alreadyRunning(let path): StaffMessage("delivery.already_running", ["path": path])
        case .cannotOpenLock(let path, let why): StaffMessage("delivery.cannot_open_lock", ["path": path, "error": why])
        }
    }
}

/// The delivery metrics (Prometheus names).
enum DeliveryMetrics {
    static let queueDepth = Gauge(label: "outreach_queue_depth")
}
