import Foundation
import OutreachModel
import OutreachRegister
import Synchronization

/// Group commit for unsubscribes: requests that arrive while a transaction is being written wait
/// for the next one, which records all of them at once. Each request still gets its answer only
/// after its own withdrawal and suppression are committed, so nothing is reported before it is
/// durable; the single SQLite writer just does one transaction for many clicks, not one each.
final class UnsubscribeBatcher: Sendable {
    struct Item {
        let address: EmailAddress
        let evidence: String
        let done: CheckedContinuation<Bool, any Error>
    }

    private let register: Register
    private let state = Mutex<(pending: [Item], writing: Bool)>(([], false))

    init(register: Register) { self.register = register }

    /// Withdraws consent and suppresses `address`; true when something changed.
    func unsubscribe(_ address: EmailAddress, evidence: String) async throws -> Bool {
        try await withCheckedThrowingContinuation { done in
            let first = state.withLock { s -> Bool in
                s.pending.append(Item(address: address, evidence: evidence, done: done))
                if s.writing { return false }
                s.writing = true
                return true
            }
            if first { Task { await self.drain() } }
        }
    }

    private func drain() async {
        while true {
            let batch = state.withLock { s -> [Item] in
                let batch = s.pending
                s.pending = []
                if batch.isEmpty { s.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let changed = try await register.unsubscribe(batch.map { ($0.address, $0.evidence) })
                for (item, change) in zip(batch, changed) { item.done.resume(returning: change) }
            } catch {
                for item in batch { item.done.resume(throwing: error) }
            }
        }
    }
}
