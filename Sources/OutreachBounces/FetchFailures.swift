import Synchronization

/// How many times each mailbox message could not be fetched, across readings (the daemon keeps
/// one for its life): a message that fails `MailboxPoll.fetchAttempts` times is recorded
/// `unreadable` and passed, so one bad message never stops the mailbox for good.
public final class FetchFailures: Sendable {
    private let counts = Mutex<[MessageKey: Int]>([:])

    struct MessageKey: Hashable {
        let uidValidity: UInt32
        let uid: UInt32
    }

    public init() {}

    /// Counts one more failure of message `uid` and returns how many there were.
    func add(uidValidity: UInt32, uid: UInt32) -> Int {
        counts.withLock { counts in
            counts[MessageKey(uidValidity: uidValidity, uid: uid), default: 0] += 1
            return counts[MessageKey(uidValidity: uidValidity, uid: uid)]!
        }
    }

    /// Forgets message `uid` (it was fetched, or recorded as unreadable).
    func clear(uidValidity: UInt32, uid: UInt32) {
        _ = counts.withLock { $0.removeValue(forKey: MessageKey(uidValidity: uidValidity, uid: uid)) }
    }
}
