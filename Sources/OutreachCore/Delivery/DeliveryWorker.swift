import Foundation
import GRDB
import Logging
import Metrics
import Synchronization

/// What the delivery workers share: the register, settings, rate limits, the relay's cool-down,
/// the composers of running campaigns, and the stop flag.
public final class DeliveryContext: Sendable {
    public let register: Register
    public let settings: Settings
    public let links: Links
    public let limiter: RateLimiter
    public let retry: RetryPolicy
    public let logger: Logger
    /// Rows a worker claims at once: the most that could be sent twice after a `kill -9`. Under a
    /// global rate limit, no more than the worker can send in about a second: claimed rows wait
    /// for their turn in the limiter, and a pause or a cancel must not find them all taken.
    public let batchSize: Int
    let leaseMs: Int64 = 10 * 60 * 1000
    private let state = Mutex<(stopping: Bool, relayDownUntilMs: Int64, running: [Int64], composers: [Int64: InvitationComposer])>((false, 0, [], [:]))

    public init(register: Register, settings: Settings, links: Links, logger: Logger, batchSize: Int = 32) {
        self.register = register
        self.settings = settings
        self.links = links
        self.limiter = RateLimiter(perSecond: settings.ratePerSecond, perDomainPerMinute: settings.perDomainPerMinute)
        self.retry = RetryPolicy(settings)
        self.logger = logger
        let perWorkerSecond = settings.ratePerSecond / Double(settings.deliveryWorkers)
        self.batchSize = settings.ratePerSecond > 0 ? max(1, min(batchSize, Int(perWorkerSecond.rounded(.up)))) : batchSize
    }

    public var isStopping: Bool { state.withLock { $0.stopping } }
    public func stop() { state.withLock { $0.stopping = true } }
    var relayDownUntilMs: Int64 { state.withLock { $0.relayDownUntilMs } }
    func coolRelay(untilMs: Int64) { state.withLock { $0.relayDownUntilMs = max($0.relayDownUntilMs, untilMs) } }
    var runningCampaigns: [Int64] { state.withLock { $0.running } }

    /// Called by the scheduler with the campaigns now running.
    func setRunning(_ campaigns: [Campaign]) throws {
        let known = state.withLock { Set($0.composers.keys) }
        var new: [Int64: InvitationComposer] = [:]
        let fresh = campaigns.filter { !known.contains($0.id!) }
        let signer = fresh.isEmpty ? nil : try settings.dkimSigner()
        for c in fresh {
            new[c.id!] = try InvitationComposer(campaign: c, sender: settings.sender, links: links, signer: signer)
        }
        state.withLock { s in
            s.running = campaigns.map { $0.id! }.shuffled()
            s.composers.merge(new) { a, _ in a }
        }
    }

    func composer(_ campaignID: Int64) -> InvitationComposer? { state.withLock { $0.composers[campaignID] } }
}

/// One delivery worker: a thread of its own (libcurl blocks) with one SMTP connection. It claims a
/// few rows, checks each recipient right before sending, sends, and commits the outcomes.
final class DeliveryWorker: @unchecked Sendable {
    let number: Int
    let context: DeliveryContext
    private var transport: CurlSMTPTransport?
    /// This worker's own read connection, for the check right before each send.
    private var reader: (any DatabaseReader)?
    private var logger: Logger

    init(number: Int, context: DeliveryContext) {
        self.number = number
        self.context = context
        var logger = context.logger
        logger[metadataKey: "delivery.worker"] = "\(number)"
        self.logger = logger
    }

    static let sentCounter = Counter(label: "outreach_messages_total", dimensions: [("state", "sent")])
    static let retryCounter = Counter(label: "outreach_messages_total", dimensions: [("state", "retry")])
    static let failedCounter = Counter(label: "outreach_messages_total", dimensions: [("state", "failed")])
    static let skippedCounter = Counter(label: "outreach_messages_total", dimensions: [("state", "skipped")])
    static let unknownCounter = Counter(label: "outreach_unknown_outcomes_total")
    static let sendTimer = Timer(label: "outreach_send_duration_seconds")
    private static let replyCounters: [Int: Counter] = Dictionary(uniqueKeysWithValues: [2, 3, 4, 5].map {
        ($0, Counter(label: "outreach_smtp_replies_total", dimensions: [("class", "\($0)xx")]))
    })
    private static let noReplyCounter = Counter(label: "outreach_smtp_replies_total", dimensions: [("class", "none")])
    static func replyCounter(_ code: Int?) -> Counter {
        code.flatMap { replyCounters[$0 / 100] } ?? noReplyCounter
    }

    /// Runs until the context stops; returns after committing what it sent.
    ///
    /// The outcomes of one batch and the claim of the next share a transaction: half as many
    /// commits, and an outcome is still in the database before anything else happens.
    func run() {
        do {
            transport = try CurlSMTPTransport(.init(context.settings), logger: logger)
            reader = try context.register.makeReader()
        } catch {
            logger.critical("cannot set up the worker", metadata: ["error": "\(error)"])
            return
        }
        var outcomes: [(OutboxClaim, OutboxResult)] = []
        while true {
            let now = Timestamp.milliseconds()
            let cooling = context.relayDownUntilMs > now
            let stopping = context.isStopping
            let claims = commit(outcomes, thenClaim: !stopping && !cooling, nowMs: now)
            outcomes = []
            if stopping { return }
            if cooling { sleep(ms: min(250, context.relayDownUntilMs - now)); continue }
            guard let claims else { sleep(ms: 1000); continue }  // the claim failed; logged
            if claims.isEmpty { sleep(ms: 100); continue }
            outcomes = deliver(claims)
        }
    }

    /// Sends a batch; returns the outcomes to commit.
    private func deliver(_ claims: [OutboxClaim]) -> [(OutboxClaim, OutboxResult)] {
        var results: [(OutboxClaim, OutboxResult)] = []
        results.reserveCapacity(claims.count)
        var release = false
        for claim in claims {
            // Paused or cancelled since the claim: the rest goes back (the list is at most 250 ms old).
            if release || context.isStopping || !context.runningCampaigns.contains(claim.campaignID) {
                results.append((claim, .released(nextAttemptMs: max(Timestamp.milliseconds(), context.relayDownUntilMs))))
                continue
            }
            let result = deliver(claim)
            if case .retry(_, _, _, _) = result, context.relayDownUntilMs > Timestamp.milliseconds() { release = true }
            results.append((claim, result))
        }
        return results
    }

    /// Records `outcomes` and, if `claim`, claims the next batch, in one transaction. Outcomes must
    /// reach the database: a failure is retried until they do (a busy database is not a reason to
    /// lose them). Returns the claimed rows, or nil when the claim itself failed.
    private func commit(_ outcomes: [(OutboxClaim, OutboxResult)], thenClaim claim: Bool, nowMs: Int64) -> [OutboxClaim]? {
        for attempt in 0..<100 {
            do {
                return try context.register.writer.write { db in
                    if !outcomes.isEmpty { try Outbox.record(db, outcomes, nowMs: Timestamp.milliseconds()) }
                    guard claim else { return [] }
                    return try Outbox.claim(db, limit: context.batchSize, nowMs: nowMs, leaseMs: context.leaseMs,
                                            campaignIDs: context.runningCampaigns)
                }
            } catch where outcomes.isEmpty {
                logger.error("cannot claim outbox rows", metadata: ["error": "\(error)"])
                return nil
            } catch {
                logger.error("cannot record outcomes; retrying", metadata: ["error": "\(error)", "outbox.commit_attempt": "\(attempt)"])
                sleep(ms: 200)
            }
        }
        return nil
    }

    private func deliver(_ claim: OutboxClaim) -> OutboxResult {
        guard let composer = context.composer(claim.campaignID) else {
            return .released(nextAttemptMs: Timestamp.milliseconds() + 1000)
        }
        let contact: Contact
        do {
            // One SELECT, consistent on its own: no transaction needed around it.
            switch try reader!.unsafeRead({ db in try Outbox.recipient(db, claim: claim, purpose: composer.template.source.purpose) }) {
            case .success(let c): contact = c
            case .failure(let skip):
                DeliveryWorker.skippedCounter.increment()
                logger.info("skipped", metadata: ["contact.id": "\(claim.contactID)", "campaign.slug": "\(composer.slug)", "reason": "\(skip.text)"])
                return .skipped(skip.text)
            }
        } catch {
            return .released(nextAttemptMs: Timestamp.milliseconds() + 1000)
        }
        let address = contact.address
        let domainWait = context.limiter.takeDomain(address.domain)
        if domainWait > 0 { return .released(nextAttemptMs: Timestamp.milliseconds() + Int64(domainWait * 1000) + 1) }
        // The global limit is waited out here (every message is due); a token is taken before going on.
        while true {
            let wait = context.limiter.takeGlobal()
            if wait <= 0 { break }
            sleep(ms: max(1, Int64(wait * 1000)))
        }

        let message = composer.compose(contact)
        let started = DispatchTime.now().uptimeNanoseconds
        let outcome = transport!.send(message.bytes, from: context.settings.senderFrom, to: address)
        DeliveryWorker.sendTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        let nowMs = Timestamp.milliseconds()
        // Log metadata is built only when a line is written (the logger takes it as an autoclosure).
        func details(_ reason: String, _ code: Int?) -> Logger.Metadata {
            ["contact.id": "\(claim.contactID)", "campaign.slug": "\(composer.slug)",
             "smtp.code": "\(code.map(String.init) ?? "-")", "smtp.reply": "\(reason)"]
        }
        switch outcome {
        case .sent(let reply):
            DeliveryWorker.sentCounter.increment()
            DeliveryWorker.replyCounter(reply?.code ?? 250).increment()
            return .sent(messageID: message.messageID, reply: reply)
        case .transient(let reason, let code, let relayDown):
            DeliveryWorker.replyCounter(code).increment()
            var next = context.retry.nextAttempt(afterAttempt: claim.attempts + 1, queuedAtMs: claim.queuedAtMs, nowMs: nowMs)
            if relayDown {
                let until = nowMs + Int64(context.settings.relayCooldown.components.seconds * 1000)
                context.coolRelay(untilMs: until)
                next = next.map { max($0, until) }
                logger.warning("relay unavailable; cooling down", metadata: details(reason, code))
            } else {
                logger.notice("transient failure; will retry", metadata: details(reason, code))
            }
            DeliveryWorker.retryCounter.increment()
            return .retry(reason: reason, code: code, nextAttemptMs: next, unknownOutcome: false)
        case .unknown(let reason):
            DeliveryWorker.unknownCounter.increment()
            logger.warning("outcome unknown; will retry", metadata: details(reason, nil))
            let next = context.retry.nextAttempt(afterAttempt: claim.attempts + 1, queuedAtMs: claim.queuedAtMs, nowMs: nowMs)
            return .retry(reason: reason, code: nil, nextAttemptMs: next, unknownOutcome: true)
        case .permanent(let reason, let code, _):
            DeliveryWorker.replyCounter(code).increment()
            DeliveryWorker.failedCounter.increment()
            logger.notice("permanent failure", metadata: details(reason, code))
            return .failed(reason: reason, code: code, hardBounce: outcome.isHardBounce)
        }
    }

    private func sleep(ms: Int64) {
        guard ms > 0 else { return }
        usleep(UInt32(min(ms, 1000) * 1000))
    }
}
