import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import OutreachLinks
import OutreachModel
import OutreachRegister
import ServiceLifecycle

/// The bounce mailbox half of the daemon: reads `bounces.mailbox_url` every
/// `bounces.poll_interval` (`MailboxPoll`). A reading that fails is logged, counted
/// (`outreach_mailbox_poll_errors_total`) and written to the register, where `doctor` shows it;
/// the next reading starts with a new connection.
public final class BounceMailboxService<C: Clock<Duration>>: Service, Sendable {
    let url: String
    let register: Register
    let verdicts: BounceVerdicts
    let logger: Logger
    let clock: C
    let interval: Duration
    let makeMailbox: @Sendable () throws -> any BounceMailbox
    /// Messages that could not be fetched, counted across readings (see `MailboxPoll.fetchAttempts`).
    let fetchFailures = FetchFailures()

    package init(settings: Settings, register: Register, links: Links, logger: Logger, clock: C,
                makeMailbox: (@Sendable () throws -> any BounceMailbox)? = nil) throws {
        guard let url = settings.bouncesMailboxURL, let returnAddress = links.returnAddress else {
            throw Settings.Failure(key: "bounces.mailbox_url", problem: StaffMessage("config.no_mailbox"))
        }
        self.url = url
        self.register = register
        self.verdicts = BounceVerdicts(returnAddress: returnAddress)
        self.logger = logger
        self.clock = clock
        self.interval = settings.bouncesPollInterval
        self.makeMailbox = makeMailbox ?? { try CurlIMAPMailbox(settings: settings) }
    }

    public func run() async throws {
        logger.info("bounce mailbox started", metadata: ["mailbox.url": "\(url)"])
        var poll: MailboxPoll?
        var recover = true
        func read() async {
            do {
                let current = try poll ?? MailboxPoll(mailbox: makeMailbox(), url: url, register: register, verdicts: verdicts, logger: logger,
                                                          fetchFailures: fetchFailures)
                poll = current
                let again = recover
                let summary = try await Self.onThread { try current.run(recover: again) }
                recover = false
                if summary.read > 0 {
                    logger.info("bounce mailbox read", metadata: ["mailbox.messages": "\(summary.read)", "mailbox.handled": "\(summary.handled)",
                                                                  "mailbox.kept": "\(summary.kept)"])
                }
            } catch {
                poll = nil
                // The next reading, on a new connection, looks again at messages recorded but not yet flagged.
                recover = true
                Self.pollErrors.increment()
                logger.error("bounce mailbox reading failed", metadata: ["mailbox.url": "\(url)", "error": "\(error)"])
                try? register.recordMailboxPoll(url: url, uidValidity: nil, error: "\(error)")
            }
        }
        await read()
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() { await read() }
        logger.info("bounce mailbox stopped")
    }

    /// libcurl blocks: a reading runs on a thread of its own, not in Swift's cooperative pool.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { done in
            Thread { done.resume(with: Result { try body() }) }.start()
        }
    }

    static var pollErrors: Counter { Counter(label: "outreach_mailbox_poll_errors_total") }
}
