import GRDB
import Synchronization

/// Counts the changes that may decide whether someone may be mailed: a version that moves
/// whenever the contacts, the suppression list or the RSVPs change, so the delivery workers can
/// read a claimed batch's recipients once and trust that reading until the version moves.
///
/// - Changes written through this register's own connection (the daemon's web pages, its bounce
///   mailbox, its own delivery outcomes that suppress) move it at their commit: a transaction
///   observer on the writer.
/// - Changes written by other connections (the CLI, another process) are seen through SQLite's
///   `PRAGMA data_version`, read on the writer at each of the daemon's commits and scheduler
///   steps (`noteOtherConnections`): at full speed that is every message or so, and at most a
///   scheduler step (250 ms) later when nothing is being sent.
///
/// The outbox, the campaigns and the relay states are not watched: delivery writes them for
/// every message, and they are not what the check before each send reads.
///
/// It starts watching at the first batch reading (`watch`): a register that never delivers (the
/// CLI importing 200,000 contacts) pays nothing for it.
final class EligibilityWatch: TransactionObserver, @unchecked Sendable {  // see `pending`
    static let tables: Set<String> = ["contacts", "suppressions", "rsvps"]
    private let counter = Atomic<Int>(0)
    /// A watched table changed in the transaction under way; `lastDataVersion` is what
    /// `data_version` said last. Both are touched only on the writer's connection, whose
    /// accesses are serialized.
    private var pending = false
    private var lastDataVersion: Int64?
    private var watching = false

    var version: Int { counter.load(ordering: .sequentiallyConsistent) }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { Self.tables.contains(eventKind.tableName) }
    func databaseDidChange() { pending = true }
    func databaseDidChange(with event: DatabaseEvent) {
        pending = true
        stopObservingDatabaseChangesUntilNextTransaction()
    }
    func databaseDidCommit(_ db: Database) {
        if pending { counter.add(1, ordering: .sequentiallyConsistent) }
        pending = false
    }
    func databaseDidRollback(_ db: Database) { pending = false }

    /// Starts observing the writer's transactions, once (on the writer).
    func watch(_ db: Database) {
        guard !watching else { return }
        watching = true
        db.add(transactionObserver: self, extent: .databaseLifetime)
    }

    /// Moves the version if another connection committed since the last look (on the writer).
    func noteOtherConnections(_ db: Database) throws {
        let dataVersion = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
        if dataVersion != lastDataVersion {
            lastDataVersion = dataVersion
            counter.add(1, ordering: .sequentiallyConsistent)
        }
    }
}
