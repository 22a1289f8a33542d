import Foundation
import Logging
import Metrics
import OutreachRegister

/// Group commit of delivery outcomes. A worker hands over the outcome of the message it just sent
/// (`submit`) and goes on with the next one, but holds back that message's last bytes, and so its
/// final ".", until the outcome is in the database (`wait`): a crash duplicates at most one message
/// per worker, the one whose outcome was not yet written, while the commit overlaps the next
/// message's MAIL, RCPT, DATA and body. The first worker that must wait writes everything handed
/// over so far in one transaction (outcomes of several workers share it; none is held back).
///
/// The same transaction renews the leases of rows workers still hold, and learns which claims
/// lost theirs (`takeLost`). A busy database is waited out; any other write error (a read-only
/// file, a full disk) is a fault: it is reported once (`fault`), and delivery stops claiming
/// instead of retrying for ever.
final class OutcomeCommitter: @unchecked Sendable {  // state guarded by `condition`
    private let register: Register
    private let clock: any DeliveryClock
    private let logger: Logger
    private let leaseMs: Int64
    private let condition = NSCondition()
    private var pending: [(OutboxClaim, OutboxResult)] = []
    private var renewals: [OutboxClaim] = []
    private var lost: Set<OutboxClaim.RowKey> = []
    private var writeFault: String?
    /// Whether the daemon is stopping: a busy database is then not waited out for ever.
    private var stopping = false
    private var nextTicket = 0
    private var committedBelow = 0
    private var writing = false
    /// Groups written and the outcomes in them (`logTotals`).
    private var groups = 0
    private var outcomesWritten = 0
    /// The time spent writing them (the transaction and its sync), in nanoseconds.
    private var writingNanoseconds: UInt64 = 0
    /// How many times a worker found its last outcome not yet committed at its next final ".",
    /// and how long those workers were held there in all, in nanoseconds.
    private var waits = 0
    private var waitingNanoseconds: UInt64 = 0

    static let leasesLost = Counter(label: "outreach_leases_lost_total")
    static let writeFaults = Counter(label: "outreach_delivery_write_faults_total")
    static let commits = Counter(label: "outreach_outcome_commits_total")

    init(register: Register, clock: any DeliveryClock, logger: Logger, leaseMs: Int64) {
        self.register = register
        self.clock = clock
        self.logger = logger
        self.leaseMs = leaseMs
    }

    /// The daemon is stopping: from now on a busy database is waited out only for a few seconds.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Hands `outcomes` over to be written, and `held` (rows still claimed, not yet sent) to have
    /// their leases renewed in the same transaction; `wait` with the ticket returned blocks until
    /// they are.
    func submit(_ outcomes: [(OutboxClaim, OutboxResult)], renewing held: [OutboxClaim] = []) -> Int {
        condition.lock()
        defer { condition.unlock() }
        pending += outcomes
        renewals += held
        nextTicket += 1
        return nextTicket - 1
    }

    /// Returns once everything handed over up to `ticket` is committed (or could not be: see
    /// `fault`), writing it if no other worker is.
    func wait(_ ticket: Int) {
        condition.lock()
        let arrived = committedBelow <= ticket ? DispatchTime.now().uptimeNanoseconds : nil
        while committedBelow <= ticket {
            if writing { condition.wait(); continue }
            writing = true
            let batch = pending, held = renewals
            pending = []
            renewals = []
            let upTo = nextTicket
            condition.unlock()
            let started = DispatchTime.now().uptimeNanoseconds
            let result = write(batch, renewing: held)
            let took = DispatchTime.now().uptimeNanoseconds - started
            condition.lock()
            switch result {
            case .written(let lostNow):
                // Only rows still to be sent are asked about; a lost outcome is reported already.
                let heldRows = Set(held.map(\.row))
                lost.formUnion(lostNow.map(\.row).filter(heldRows.contains))
            case .fault(let text): writeFault = writeFault ?? text
            }
            groups += 1
            outcomesWritten += batch.count
            writingNanoseconds += took
            OutcomeCommitter.commits.increment()
            writing = false
            committedBelow = upTo
            condition.broadcast()
        }
        if let arrived {
            waits += 1
            waitingNanoseconds += DispatchTime.now().uptimeNanoseconds - arrived
        }
        condition.unlock()
    }

    /// Logs how many groups were written, how many outcomes they held and how long one took to
    /// write and sync, and how often and how long workers were held at a final "." waiting for
    /// one (when the daemon stops). With at most one unsynced outcome per worker, delivery cannot
    /// go faster than workers ÷ that time; waits at nearly every message say that bound is reached.
    func logTotals() {
        guard let totals = totals else { return }
        logger.notice("delivery outcomes committed", metadata: [
            "outbox.commits": "\(totals.groups)", "outbox.outcomes": "\(totals.outcomes)",
            "outbox.outcomes_per_commit": "\(String(format: "%.2f", totals.outcomesPerGroup))",
            "outbox.commit_ms": "\(String(format: "%.3f", totals.groupMs))",
            "delivery.waits": "\(totals.waits)", "delivery.wait_ms": "\(String(format: "%.3f", totals.waitMs))"])
    }

    /// What the committer did so far (nil before its first group).
    struct Totals: Equatable {
        let groups, outcomes, waits: Int
        /// Outcomes a group, one group's time (transaction and sync), one wait's time.
        let outcomesPerGroup, groupMs, waitMs: Double
    }

    var totals: Totals? {
        condition.lock()
        defer { condition.unlock() }
        guard groups > 0 else { return nil }
        return Totals(groups: groups, outcomes: outcomesWritten, waits: waits,
                      outcomesPerGroup: Double(outcomesWritten) / Double(groups),
                      groupMs: Double(writingNanoseconds) / Double(groups) / 1e6,
                      waitMs: waits > 0 ? Double(waitingNanoseconds) / Double(waits) / 1e6 : 0)
    }

    /// Whether the lease of `claim`'s row was lost (forgets it: asked once, before its send).
    func takeLost(_ claim: OutboxClaim) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return lost.remove(claim.row) != nil
    }

    /// The write error that stopped delivery, if one did (not "busy": that is waited out).
    var fault: String? {
        condition.lock()
        defer { condition.unlock() }
        return writeFault
    }

    /// What one write came to: the claims whose lease was lost, or the fault that stopped it.
    enum WriteResult { case written(lost: [OutboxClaim]), fault(String) }

    /// Writes until it is written while the database is only busy; any other error is a fault.
    private func write(_ batch: [(OutboxClaim, OutboxResult)], renewing held: [OutboxClaim]) -> WriteResult {
        var attempt = 0
        while true {
            do {
                let lostNow = try register.recordOutcomes(batch, renewing: held, nowMs: clock.nowMs(), leaseMs: leaseMs)
                for claim in lostNow { report(lost: claim, outcome: batch.first { $0.0.row == claim.row }?.1) }
                return .written(lost: lostNow)
            } catch where Register.isBusy(error) && !(isStopping && attempt >= 20) {
                attempt += 1
                logger.warning("database busy; outcomes not recorded yet", metadata: [
                    "error": "\(error)", "outbox.commit_attempt": "\(attempt)", "outbox.rows": "\(batch.count)"])
                clock.sleep(ms: min(1000, 50 * Int64(attempt)))
            } catch {
                OutcomeCommitter.writeFaults.increment()
                logger.critical("cannot record delivery outcomes; delivery stops until the daemon is restarted", metadata: [
                    "error": "\(error)", "outbox.rows": "\(batch.count)"])
                return .fault("\(error)")
            }
        }
    }

    private func report(lost claim: OutboxClaim, outcome: OutboxResult?) {
        OutcomeCommitter.leasesLost.increment()
        var metadata: Logger.Metadata = ["campaign.id": "\(claim.campaignID)", "contact.id": "\(claim.contactID)"]
        if case .sent(let messageID, _, _, _) = outcome {
            metadata["message.id"] = "\(messageID)"
            logger.error("a message was sent after its lease ran out; another worker may send it too", metadata: metadata)
        } else {
            logger.warning("lease lost; the row is dropped by this worker", metadata: metadata)
        }
    }
}
