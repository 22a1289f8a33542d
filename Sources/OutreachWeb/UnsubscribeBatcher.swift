import Foundation
import OutreachModel
import OutreachRegister
import Synchronization

/// Group commit for unsubscribes: requests that arrive while a transaction is being written wait
/// for the next one, which records all of them at once. Each request still gets its answer only
/// after its own withdrawal and suppression are committed, so nothing is reported before it is
/// durable; the single SQLite writer just does one transaction for many clicks, not one each.
/// The same transaction reads each contact (the page needs it), so a click costs no read of its own.
final class UnsubscribeBatcher: Sendable {
    struct Item {
        let contactID: Int64
        let evidence: String
        let done: CheckedContinuation<(contact: Contact?, changed: Bool), any Error>
    }

    private let register: Register
    private let state = Mutex<(pending: [Item], writing: Bool)>(([], false))

    init(register: Register) { self.register = register }

    /// Withdraws the consent of the contact `contactID` and suppresses their address; returns the
    /// contact (nil: none such) and whether something changed.
    func unsubscribe(contactID: Int64, evidence: String) async throws -> (contact: Contact?, changed: Bool) {
        try await withCheckedThrowingContinuation { done in
            let first = state.withLock { s -> Bool in
                s.pending.append(Item(contactID: contactID, evidence: evidence, done: done))
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
                let results = try await register.unsubscribe(contacts: batch.map { ($0.contactID, $0.evidence) })
                for (item, result) in zip(batch, results) { item.done.resume(returning: result) }
            } catch {
                for item in batch { item.done.resume(throwing: error) }
            }
        }
    }
}
