import Foundation
import Logging
import OutreachRegister

/// One reading of the bounce mailbox: every message newer than the last one read is fetched by
/// UID, parsed, recorded with its consequences (one transaction each), and only then flagged
/// handled. A message that cannot be read, or tied to nothing we sent, is recorded and left in
/// the mailbox for staff. Whatever the daemon was doing when it stopped, nothing is lost: the
/// register knows the last UID recorded, and a message recorded but not yet flagged is flagged
/// on the next start without being recorded twice.
public final class MailboxPoll: @unchecked Sendable {  // one reading at a time, on one thread
    public let mailbox: any BounceMailbox
    /// The mailbox's URL: the register keeps its read mark under it.
    public let url: String
    let register: Register
    let verdicts: BounceVerdicts
    let logger: Logger
    let fetchFailures: FetchFailures

    /// What one reading did.
    public struct Summary: Sendable, Equatable {
        public var read = 0
        public var handled = 0
        public var kept = 0
        /// Per bounce kind, how many verdicts were recorded.
        package var kinds: [Bounce.Kind: Int] = [:]
    }

    /// `fetchFailures`: kept by the caller across readings (a reading that fails is started
    /// again on a new connection, with a new `MailboxPoll`).
    package init(mailbox: any BounceMailbox, url: String, register: Register, verdicts: BounceVerdicts, logger: Logger,
                fetchFailures: FetchFailures = FetchFailures()) {
        self.fetchFailures = fetchFailures
        self.mailbox = mailbox
        self.url = url
        self.register = register
        self.verdicts = verdicts
        self.logger = logger
    }

    /// Reads what is new. `recover`: also look again at messages already recorded and still in
    /// the mailbox (the first reading after a start), flagging those that are done with.
    public func run(recover: Bool = false) throws -> Summary {
        var summary = Summary()
        let (uidValidity, _) = try mailbox.open()
        var mark = try register.mailboxMark(url: url)
        if let m = mark, m.uidValidity != 0, m.uidValidity != uidValidity {
            logger.warning("the bounce mailbox was renumbered (UIDVALIDITY changed): reading it again from the start",
                           metadata: ["mailbox.url": "\(url)", "mailbox.uid_validity": "\(uidValidity)"])
        }
        if mark?.uidValidity != uidValidity {
            try register.recordMailboxPoll(url: url, uidValidity: uidValidity, error: nil)
            mark = (uidValidity, 0)
        }
        let last = mark?.lastUID ?? 0
        var uids = try mailbox.uids(after: recover ? 0 : last)
        if recover { uids = uids.filter { $0 > last } + uids.filter { $0 <= last } }
        // Flagged handled in groups, after they are recorded: one expunge for many messages.
        var done: [UInt32] = []
        func flag() throws {
            try mailbox.markHandled(uids: done)
            summary.handled += done.count
            done = []
        }
        for uid in uids {
            var found: [Bounce]
            do {
                let bytes = try mailbox.fetch(uid: uid, uidValidity: uidValidity)
                fetchFailures.clear(uidValidity: uidValidity, uid: uid)
                do { found = verdicts.verdicts(try BounceReport(parsing: bytes)) } catch let error as BounceParseError {
                    found = [Bounce(source: .mailbox, kind: .unreadable, diagnostic: "\(error)")]
                }
            } catch {
                // Recorded already (the first reading after a start looks again): passed, it stays for staff.
                if uid <= last { continue }
                let failures = fetchFailures.add(uidValidity: uidValidity, uid: uid)
                guard failures >= Self.fetchAttempts else { throw error }
                fetchFailures.clear(uidValidity: uidValidity, uid: uid)
                logger.error("bounce mailbox message cannot be fetched: recorded unreadable and passed", metadata: [
                    "mailbox.uid": "\(uid)", "mailbox.fetch_attempts": "\(failures)", "error": "\(error)"])
                found = [Bounce(source: .mailbox, kind: .unreadable, diagnostic: "cannot be fetched (\(failures) attempts): \(error)")]
            }
            let stored = try register.record(found, mailbox: url, uidValidity: uidValidity, uid: uid)
            let fresh = uid > last
            if fresh { summary.read += 1 }
            for b in stored where fresh {
                summary.kinds[b.kind, default: 0] += 1
                logger.info("bounce mailbox message recorded", metadata: [
                    "mailbox.uid": "\(uid)", "bounce.kind": "\(b.kind.rawValue)", "bounce.status": "\(b.status ?? "-")",
                    "contact.id": "\(b.contactId.map(String.init) ?? "-")", "campaign.id": "\(b.campaignId.map(String.init) ?? "-")",
                    "bounce.outcome": "\(b.outcome)"])
            }
            if stored.allSatisfy(\.kind.isHandled) {
                done.append(uid)
                if done.count >= Self.handledGroup { try flag() }
            } else if fresh {
                summary.kept += 1
                logger.warning("bounce mailbox message kept for staff", metadata: [
                    "mailbox.uid": "\(uid)", "bounce.kind": "\(stored.first?.kind.rawValue ?? "-")",
                    "bounce.diagnostic": "\(stored.first?.diagnostic ?? "-")"])
            }
        }
        try flag()
        try register.recordMailboxPoll(url: url, uidValidity: uidValidity, error: nil)
        return summary
    }

    /// How many readings may fail on the same message before it is recorded `unreadable` and passed.
    public static let fetchAttempts = 3

    /// How many recorded messages are flagged handled together.
    static let handledGroup = 200
}
