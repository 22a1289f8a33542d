import Foundation
import Logging
import Metrics
import OutreachCampaigns
import OutreachCompose
import OutreachModel
import OutreachRegister

/// One delivery worker: a thread of its own (libcurl blocks) with one SMTP connection to one
/// relay of the pool. It claims a few rows, checks each recipient right before sending, sends,
/// and hands the outcome to the group committer; the next message's final "." waits until that
/// outcome is committed.
///
/// The check reads the whole claimed batch at once, and right before each send that reading
/// stands only while the register's eligibility version has not moved: any change to the
/// contacts, the suppression list or the RSVPs since (an unsubscribe, a bounce, an erasure)
/// sends the worker back to the register for each message's own check.
final class DeliveryWorker: @unchecked Sendable {
    let number: Int
    let context: DeliveryContext
    /// The relay this worker holds a connection on, and its transport per relay.
    private var relay: Int?
    private var transports: [Int: any MailTransport] = [:]
    private var logger: Logger
    /// The committer's ticket for this worker's latest outcome, until it is known to be committed.
    private var ticket: Int?
    /// How many rows the next claim asks for (see `DeliveryContext.batchSize`).
    private var claimSize: Int

    init(number: Int, context: DeliveryContext) {
        self.number = number
        self.context = context
        var logger = context.logger
        logger[metadataKey: "delivery.worker"] = "\(number)"
        self.logger = logger
        claimSize = context.firstBatchSize
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

    static let relayFaults = Counter(label: "outreach_relay_faults_total")
    static let pauses = Counter(label: "outreach_campaign_pauses_total")

    /// Runs until the context stops; returns after committing what it sent and releasing what it
    /// had claimed but not sent.
    func run() {
        defer { if let relay { context.relays.release(relay) } }
        defer { awaitCommitted() }
        while !context.isStopping && context.writeFault == nil {
            let now = context.clock.nowMs()
            // Whatever this worker handed over is in the database before it claims more or waits.
            awaitCommitted()
            guard let relay = context.relays.acquire(keeping: relay, nowMs: now) else {
                if let old = relay { transports[old] = nil }  // its connection is closed
                relay = nil
                let until = context.relays.soonestAvailableMs() ?? now + 250
                sleep(ms: max(10, min(250, until - now)))
                continue
            }
            if let old = self.relay, old != relay { transports[old] = nil }
            self.relay = relay
            let claims: [OutboxClaim]
            do {
                claims = try context.register.record([], thenClaim: claimSize,
                                                     campaignIDs: context.runningCampaigns, nowMs: now, leaseMs: context.leaseMs)
            } catch {
                logger.error("cannot claim outbox rows", metadata: ["error": "\(error)"])
                sleep(ms: 1000)
                continue
            }
            // Full: there is more where these came from; short: the queue is running dry.
            claimSize = claims.count == claimSize ? min(claimSize * 2, context.batchSize) : context.firstBatchSize
            if claims.isEmpty { sleep(ms: 100); continue }
            deliver(claims, read: readRecipients(claims), through: relay)
        }
    }

    /// The recipients of a claimed batch as the register has them now (nil: each is read right
    /// before its send).
    private func readRecipients(_ claims: [OutboxClaim]) -> BatchReading? {
        var purposes: [Int64: CampaignPurpose] = [:]
        for id in Set(claims.map(\.campaignID)) { purposes[id] = context.composer(id)?.template.source.purpose }
        guard let read = try? context.register.recipients(for: claims, purpose: { purposes[$0] },
                                                                  nowMs: context.clock.nowMs()) else { return nil }
        return BatchReading(version: read.version, recipients: read.recipients)
    }

    /// A claimed batch's recipients, read at once, and the eligibility version they hold for.
    struct BatchReading {
        let version: Int
        let recipients: [Result<Recipient, Outbox.SkipReason>?]
    }

    /// Sends a batch one message at a time, handing each outcome to the committer; a message's
    /// final "." waits until the one before is committed. What cannot go now (a stop, a pause, the
    /// relay gone) goes back to the queue untouched.
    private func deliver(_ claims: [OutboxClaim], read: BatchReading?, through relay: Int) {
        var leaseUntilMs = claims.first?.lease.untilMs ?? 0
        for (i, claim) in claims.enumerated() {
            let now = context.clock.nowMs()
            if context.isStopping || context.writeFault != nil || !context.relays.isAvailable(relay, nowMs: now)
                || !context.runningCampaigns.contains(claim.campaignID) {
                ticket = context.committer.submit(claims[i...].map { ($0, .released(nextAttemptMs: now)) })
                awaitCommitted()
                return
            }
            // The scheduler requeued it (its lease ran out) and another worker may hold it now.
            if context.committer.takeLost(claim) { continue }
            let outcome = deliver(claim, read: read.flatMap { r in r.recipients[i].map { (r.version, $0) } }, through: relay)
            // Half the lease gone (a slow relay): the rows still held are renewed with this outcome.
            let after = context.clock.nowMs()
            var renew: [OutboxClaim] = []
            if after >= leaseUntilMs - context.leaseMs / 2, i + 1 < claims.count {
                renew = Array(claims[(i + 1)...])
                leaseUntilMs = after + context.leaseMs
            }
            ticket = context.committer.submit([(claim, outcome)], renewing: renew)
        }
    }

    /// Blocks until this worker's latest outcome is committed.
    private func awaitCommitted() {
        guard let t = ticket else { return }
        context.committer.wait(t)
        ticket = nil
    }

    /// The outcome of a claimed row that is not sent after all.
    struct NotSent: Error { let outcome: OutboxResult }

    private func transport(_ relay: Int) throws -> any MailTransport {
        if let t = transports[relay] { return t }
        let t = try context.makeTransport(context.settings, context.relays.url(relay), logger)
        transports[relay] = t
        return t
    }

    /// `read`: the recipient as read with the batch, and the eligibility version of that reading.
    private func deliver(_ claim: OutboxClaim, read: (version: Int, recipient: Result<Recipient, Outbox.SkipReason>)?,
                         through relay: Int) -> OutboxResult {
        guard let composer = context.composer(claim.campaignID) else {
            return .released(nextAttemptMs: context.clock.nowMs() + 1000)
        }
        /// Who the recipient is right now, or the row's outcome if they must not be mailed: the
        /// batch's reading if nothing that decides it changed since, else the register's.
        func check(_ read: (version: Int, recipient: Result<Recipient, Outbox.SkipReason>)?) -> Result<Recipient, NotSent> {
            do {
                let stillValid = read.flatMap { $0.version == context.register.eligibilityVersion ? $0.recipient : nil }
                switch try stillValid ?? context.register.recipient(for: claim, purpose: composer.template.source.purpose,
                                                                                   nowMs: context.clock.nowMs()) {
                case .success(let c): return .success(c)
                case .failure(let skip):
                    DeliveryWorker.skippedCounter.increment()
                    logger.info("skipped", metadata: ["contact.id": "\(claim.contactID)", "campaign.slug": "\(composer.slug)", "reason": "\(skip.text)"])
                    return .failure(NotSent(outcome: .skipped(skip.text)))
                }
            } catch {
                return .failure(NotSent(outcome: .released(nextAttemptMs: context.clock.nowMs() + 1000)))
            }
        }
        var contact: Recipient
        switch check(read) {
        case .success(let c): contact = c
        case .failure(let notSent): return notSent.outcome
        }
        guard let address = try? EmailAddress(contact.email) else {  // the register takes only valid addresses
            return .skipped("the address \(contact.email) is not valid")
        }
        let domainWait = context.limiter.takeDomain(address.domain, now: context.clock.monotonicSeconds())
        if domainWait > 0 { return .released(nextAttemptMs: context.clock.nowMs() + Int64(domainWait * 1000) + 1) }
        // The global limit is waited out here (every message is due); a token is taken before going on.
        var waited = false
        while true {
            let wait = context.limiter.takeGlobal(now: context.clock.monotonicSeconds())
            if wait <= 0 { break }
            sleep(ms: max(1, Int64(wait * 1000)))
            waited = true
        }
        if waited {
            // Under a rate limit the wait can be long: the register's check again, right before the send.
            switch check(nil) {
            case .success(let c): contact = c
            case .failure(let notSent): return notSent.outcome
            }
        }

        let url = context.relays.url(relay)
        // Taken again after the wait: a change notice that came meanwhile reaches this message.
        let message = (context.composer(claim.campaignID) ?? composer).compose(contact)
        let started = DispatchTime.now().uptimeNanoseconds
        let outcome: DeliveryOutcome
        do {
            outcome = try transport(relay).send(message.bytes, from: message.envelopeSender, to: address,
                                                beforeEndOfData: { awaitCommitted() })
        } catch {
            outcome = .transient(reason: "cannot set up the connection to \(url): \(error)", code: nil, relayDown: true)
        }
        DeliveryWorker.sendTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
        let nowMs = context.clock.nowMs()
        // Log metadata is built only when a line is written (the logger takes it as an autoclosure).
        func details(_ reason: String, _ code: Int?) -> Logger.Metadata {
            ["contact.id": "\(claim.contactID)", "campaign.slug": "\(composer.slug)", "relay.url": "\(url)",
             "smtp.code": "\(code.map(String.init) ?? "-")", "smtp.reply": "\(reason)"]
        }
        switch outcome {
        case .sent(let reply):
            DeliveryWorker.sentCounter.increment()
            DeliveryWorker.replyCounter(reply?.code ?? 250).increment()
            _ = context.noteRefusal(campaignID: claim.campaignID, reply: nil)
            if context.relays.markUp(relay) { try? context.register.recordRelayState(url: url, state: "up", reason: nil, untilMs: nil) }
            return .sent(messageID: message.messageID, code: reply?.code, reply: reply?.text, relay: url)
        case .transient(let reason, let code, let relayDown):
            DeliveryWorker.replyCounter(code).increment()
            var next = context.retry.nextAttempt(afterAttempt: claim.attempts + 1, queuedAtMs: claim.queuedAtMs, nowMs: nowMs)
            if relayDown {
                let until = nowMs + Int64(context.settings.relayCooldown.components.seconds * 1000)
                context.relays.coolDown(relay, untilMs: until)
                try? context.register.recordRelayState(url: url, state: "cooling", reason: reason, untilMs: until)
                // Another relay may take it at once; with one relay it waits for the cool-down.
                if let soonest = context.relays.soonestAvailableMs() { next = next.map { max(nowMs, min($0, soonest)) } }
                logger.warning("relay unavailable; cooling down", metadata: details(reason, code))
            } else {
                logger.notice("transient failure; will retry", metadata: details(reason, code))
            }
            DeliveryWorker.retryCounter.increment()
            return .retry(reason: reason, code: code, nextAttemptMs: next, unknownOutcome: false)
        case .unknown(let reason):
            DeliveryWorker.unknownCounter.increment()
            if claim.unknownOutcomes >= 1 {
                // Sent twice, lost twice: it most likely arrived. Never a third time unless staff asks.
                logger.warning("outcome unknown again; marked unconfirmed", metadata: details(reason, nil))
                return .unconfirmed(reason: reason)
            }
            logger.warning("outcome unknown; will send once more", metadata: details(reason, nil))
            let next = context.retry.nextAttempt(afterAttempt: claim.attempts + 1, queuedAtMs: claim.queuedAtMs, nowMs: nowMs)
            return .retry(reason: reason, code: nil, nextAttemptMs: next, unknownOutcome: true)
        case .permanent(let reason, let code, let enhanced, let stage):
            DeliveryWorker.replyCounter(code).increment()
            DeliveryWorker.failedCounter.increment()
            logger.notice("permanent failure", metadata: details(reason, code))
            let refusal = stage == .rcptTo ? nil : "\(code.map(String.init) ?? "-") \(enhanced ?? "")"
            if context.noteRefusal(campaignID: claim.campaignID, reply: refusal) {
                pause(claim.campaignID, reason: "\(url) refused \(DeliveryContext.refusalsBeforePause) messages in a row: \(reason)"
                      + " — check the relay's log and its limits for this sender; `campaign retry` requeues them after the fix")
            }
            // The recipient's refusal goes through the bounce mailbox's policy (5.1.x suppresses).
            var recipientRefusal: Bounce?
            if stage == .rcptTo {
                recipientRefusal = Bounce(source: .smtp, kind: Bounce.kind(status: enhanced, action: "failed"), status: enhanced,
                                          action: "failed", diagnostic: reason, recipient: address.value)
            }
            return .failed(reason: reason, code: code, refusal: recipientRefusal)
        case .relayFault(let reason, let fix):
            DeliveryWorker.relayFaults.increment()
            let until = nowMs + Int64(context.settings.relayCooldown.components.seconds * 1000)
            let all = context.relays.fault(relay, reason: reason, untilMs: until)
            try? context.register.recordRelayState(url: url, state: "faulted", reason: "\(reason) — \(fix)", untilMs: until)
            logger.error("relay fault: nobody is failed; \(all ? "pausing the running campaigns" : "the other relays take over")",
                         metadata: details(reason, nil).merging(["relay.fix": "\(fix)"]) { a, _ in a })
            if all { pauseAll(reason: "\(url): \(reason) — \(fix)") }
            return .released(nextAttemptMs: nowMs)
        }
    }

    private func pause(_ campaignID: Int64, reason: String) {
        DeliveryWorker.pauses.increment()
        context.stopSending(campaignID)
        logger.error("campaign paused", metadata: ["campaign.id": "\(campaignID)", "reason": "\(reason)"])
        _ = try? context.register.pause(campaignID: campaignID, reason: reason)
    }

    private func pauseAll(reason: String) {
        DeliveryWorker.pauses.increment()
        context.stopSending(nil)
        let slugs = (try? context.register.pauseRunning(reason: reason)) ?? []
        logger.error("campaigns paused", metadata: ["campaign.slugs": "\(slugs.joined(separator: ","))", "reason": "\(reason)"])
    }

    private func sleep(ms: Int64) { context.clock.sleep(ms: min(ms, 1000)) }
}
