import Foundation
import Logging
import OutreachRegister

/// Group commit of delivery outcomes. A worker hands over the outcome of the message it just sent
/// (`submit`) and goes on with the next one, but holds back that message's last bytes, and so its
/// final ".", until the outcome is in the database (`wait`): a crash duplicates at most one message
/// per worker, the one whose outcome was not yet written, while the commit overlaps the next
/// message's MAIL, RCPT, DATA and body. The first worker that must wait writes everything handed
/// over so far in one transaction (outcomes of several workers share it; none is held back).
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

    /// Hands `outcomes` over to be written; `wait` with the ticket returned blocks until they are.
    func submit(_ outcomes: [(OutboxClaim, OutboxResult)]) -> Int {
        condition.lock()
        defer { condition.unlock() }
        pending += outcomes
        nextTicket += 1
        return nextTicket - 1
    }

    /// Returns once everything handed over up to `ticket` is committed, writing it if no other
    /// worker is.
    func wait(_ ticket: Int) {
        condition.lock()
        while committedBelow <= ticket {
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
