import Foundation
import Logging
import OutreachCampaigns
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister
import Synchronization

/// What the delivery workers share: the register, settings, rate limits, the relay pool, the
/// composers of running campaigns, the group committer, and the stop flag.
public final class DeliveryContext: Sendable {
    package let register: Register
    public let settings: Settings
    public let links: Links
    public let limiter: RateLimiter
    public let retry: RetryPolicy
    public let logger: Logger
    let relays: RelayPool
    /// Signs every message (read once, at start; nil: unsigned).
    let signer: DKIMSigner?
    let committer: OutcomeCommitter
    /// Makes a worker's connection to one relay (libcurl's SMTP unless a test says otherwise).
    let makeTransport: @Sendable (Settings, String, Logger) throws -> any MailTransport
    /// The time, and the waiting, of the worker threads.
    let clock: any DeliveryClock
    /// The most rows a worker claims at once; under a global rate limit, no more than a worker
    /// can send in about a second. A worker starts with `firstBatchSize` and doubles it while
    /// its claims come back full: a small campaign still spreads over every worker, and a large
    /// one costs a claim (a write transaction) per 64 messages rather than per 8.
    /// (Outcomes are committed one message at a time whatever the batch.)
    public let batchSize: Int
    public var firstBatchSize: Int { min(8, batchSize) }
    /// How long a claim holds its rows; a worker renews the lease of the rows it still holds
    /// when half of it has passed (a slow relay must not let the scheduler requeue them).
    let leaseMs: Int64
    /// The same refusal after DATA this many times in a row pauses the campaign: a relay that
    /// refuses everything must not burn the list.
    static let refusalsBeforePause = 20
    private let state = Mutex<State>(State())

    struct State {
        var stopping = false
        var running: [Int64] = []
        /// Per campaign, its composer and the event revision (iCalendar SEQUENCE) it was built for.
        var composers: [Int64: (composer: InvitationComposer, eventSequence: Int)] = [:]
        /// Per campaign, the last refusal after DATA and how many times in a row it came.
        var refusals: [Int64: (reply: String, count: Int)] = [:]
        /// Campaigns the workers paused, kept out of `running` until the register shows them
        /// paused (a scheduler step read before the pause must not start them again).
        var pausedHere: Set<Int64> = []
        var pausedEverything = false
    }

    package init(register: Register, settings: Settings, links: Links, logger: Logger, signer: DKIMSigner? = nil, batchSize: Int = 64,
                clock: any DeliveryClock = SystemDeliveryClock(), leaseMs: Int64 = 10 * 60 * 1000,
                makeTransport: @escaping @Sendable (Settings, String, Logger) throws -> any MailTransport = { settings, relay, logger in
                    try CurlSMTPTransport(.init(settings, relay: relay), logger: logger)
                }) {
        self.register = register
        self.signer = signer
        self.clock = clock
        self.makeTransport = makeTransport
        self.settings = settings
        self.links = links
        self.limiter = RateLimiter(perSecond: settings.ratePerSecond, perDomainPerMinute: settings.perDomainPerMinute)
        self.retry = RetryPolicy(settings)
        self.logger = logger
        self.relays = RelayPool(urls: settings.relays, maxConnections: settings.maxConnections)
        self.leaseMs = leaseMs
        self.committer = OutcomeCommitter(register: register, clock: clock, logger: logger, leaseMs: leaseMs)
        let perWorkerSecond = settings.ratePerSecond / Double(settings.deliveryWorkers)
        self.batchSize = settings.ratePerSecond > 0 ? max(1, min(batchSize, Int(perWorkerSecond.rounded(.up)))) : batchSize
    }

    /// How many workers are worth starting: no more than the relays can take.
    public var workerCount: Int { min(settings.deliveryWorkers, settings.relays.count * settings.maxConnections) }

    public var isStopping: Bool { state.withLock { $0.stopping } }
    public func stop() {
        state.withLock { $0.stopping = true }
        committer.stop()
    }
    /// The write error that stopped delivery (not "busy"), if one did: shown by the log and
    /// `/metrics` (`outreach_delivery_write_faults_total`); the workers claim nothing more.
    public var writeFault: String? { committer.fault }
    var runningCampaigns: [Int64] { state.withLock { $0.running } }

    /// Called by the scheduler with the campaigns now running. A campaign that runs again after
    /// a pause gets its relays tried again. A campaign whose event a change notice moved since its
    /// composer was built (a new SEQUENCE) gets a new composer: the rest of its messages carry the
    /// new details. A campaign whose composer cannot be built pauses with the error as its
    /// reason; the others go on.
    func setRunning(_ campaigns: [Campaign]) {
        let known = state.withLock { $0.composers.mapValues(\.eventSequence) }
        var new: [Int64: (composer: InvitationComposer, eventSequence: Int)] = [:]
        var broken: Set<Int64> = []
        for c in campaigns where known[c.id!] != c.eventSequence {
            do {
                new[c.id!] = (try InvitationComposer(campaign: c, sender: settings.sender, links: links, signer: signer), c.eventSequence)
            } catch {
                broken.insert(c.id!)
                // Said in the staff's language: `campaign status` and `list` show it as it is.
                let reason = StaffText.say("campaign.paused.cannot_compose", in: settings.uiLanguage ?? StaffText.language,
                                           ["error": "\(error)"])
                logger.error("campaign paused", metadata: ["campaign.slug": "\(c.slug)", "reason": "\(reason)"])
                // Not paused yet (a busy database): the next step tries again; meanwhile it sends nothing.
                _ = try? register.pause(campaignID: c.id!, reason: reason)
            }
        }
        let newcomers = state.withLock { s -> Bool in
            let was = Set(s.running)
            let ids = Set(campaigns.map { $0.id! })
            if s.pausedEverything && ids.isEmpty { s.pausedEverything = false }
            s.pausedHere = s.pausedHere.union(broken).intersection(ids)
            s.running = s.pausedEverything ? [] : campaigns.map { $0.id! }.filter { !s.pausedHere.contains($0) }.shuffled()
            // Only running campaigns keep a composer: the map is as small as what runs.
            s.composers = s.composers.filter { ids.contains($0.key) }.merging(new) { _, newer in newer }
            return s.running.contains { !was.contains($0) }
        }
        if newcomers { relays.clearFaults() }
    }

    /// A campaign the workers paused themselves stops at once (not at the scheduler's next step);
    /// nil: every campaign.
    func stopSending(_ campaignID: Int64?) {
        state.withLock { s in
            if let campaignID { s.pausedHere.insert(campaignID) } else { s.pausedEverything = true }
            s.running.removeAll { campaignID == nil || $0 == campaignID }
        }
    }

    func composer(_ campaignID: Int64) -> InvitationComposer? { state.withLock { $0.composers[campaignID]?.composer } }

    /// Counts a refusal after DATA (nil: something else happened, the run is broken); true when
    /// the same refusal has now come `refusalsBeforePause` times in a row.
    func noteRefusal(campaignID: Int64, reply: String?) -> Bool {
        state.withLock { s in
            guard let reply else { s.refusals[campaignID] = nil; return false }
            var run = s.refusals[campaignID] ?? (reply, 0)
            run = run.reply == reply ? (reply, run.count + 1) : (reply, 1)
            s.refusals[campaignID] = run
            return run.count >= Self.refusalsBeforePause
        }
    }
}
