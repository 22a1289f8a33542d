import Foundation
import Logging
import OutreachRegister

/// Group commit of delivery outcomes: each worker hands over the outcome of the message it just
/// sent and waits until it is in the database before sending the next, so a crash duplicates at
/// most the messages being transmitted. Workers that finish while a transaction is being written
/// are written together in the next one (one transaction for several workers, never one worker's
/// outcomes held back).
final class OutcomeCommitter: @unchecked Sendable {  // state guarded by `condition`
    private let register: Register
    private let clock: any DeliveryClock
    private let logger: Logger
    private let condition = NSCondition()
    private var pending: [(OutboxClaim, OutboxResult)] = []
    private var nextTicket = 0
    private var committedBelow = 0
    private var writing = false

    init(register: Register, clock: any DeliveryClock, logger: Logger) {
        self.register = register
        self.clock = clock
        self.logger = logger
    }

    /// Returns once `outcomes` are committed (with whatever other workers handed over meanwhile).
    func commit(_ outcomes: [(OutboxClaim, OutboxResult)]) {
        guard !outcomes.isEmpty else { return }
        condition.lock()
        pending += outcomes
        nextTicket += 1
        let mine = nextTicket - 1
        while committedBelow <= mine {
            if writing { condition.wait(); continue }
            writing = true
            let batch = pending
            pending = []
            let upTo = nextTicket
            condition.unlock()
            write(batch)
            condition.lock()
            writing = false
            committedBelow = upTo
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Writes until it is written: a busy database is not a reason to lose an outcome.
    private func write(_ batch: [(OutboxClaim, OutboxResult)]) {
        var attempt = 0
        while true {
            do {
                _ = try register.record(batch, thenClaim: 0, campaignIDs: [], nowMs: clock.nowMs(), leaseMs: 0)
                return
            } catch {
                attempt += 1
                logger.error("cannot record outcomes; retrying", metadata: ["error": "\(error)", "outbox.commit_attempt": "\(attempt)",
                                                                             "outbox.rows": "\(batch.count)"])
                clock.sleep(ms: min(1000, 50 * Int64(attempt)))
            }
        }
    }
}
