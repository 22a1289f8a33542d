import Dispatch
import Synchronization

/// The bounded hand-over between the thread that reads and validates a contact file and the
/// thread that stages its rows in the register: the reader prepares the next batch while the
/// register stages this one, and waits while `capacity` batches wait (memory stays bounded).
/// Batches come out in the order they went in, and the reader's outcome after its last batch.
final class BatchHandover<Batch: Sendable, Outcome: Sendable>: Sendable {
    /// What the register's side takes next.
    enum Item: Sendable {
        case batch(Batch)
        /// The reader is done: what it read, or why it stopped.
        case end(Result<Outcome, any Error>)
    }

    private struct State: Sendable {
        var waiting: [Item] = []
        var stopped = false
    }

    private let state = Mutex(State())
    /// Counts the items waiting.
    private let filled = DispatchSemaphore(value: 0)
    /// Counts the batches that may still be handed over before the reader waits.
    private let room: DispatchSemaphore

    /// `capacity`: how many batches may wait, at least one.
    init(capacity: Int) { room = DispatchSemaphore(value: max(1, capacity)) }

    /// Hands over a batch, waiting while `capacity` batches wait; false (the batch dropped) once
    /// the register's side has stopped taking them.
    func put(_ batch: Batch) -> Bool {
        room.wait()
        let accepted = state.withLock { state in
            guard !state.stopped else { return false }
            state.waiting.append(.batch(batch))
            return true
        }
        // A refused batch gives its room back, so that no later `put` waits for a taker.
        if accepted { filled.signal() } else { room.signal() }
        return accepted
    }

    /// Ends the hand-over with the reader's outcome (after every batch it handed over).
    func finish(_ outcome: Result<Outcome, any Error>) {
        state.withLock { $0.waiting.append(.end(outcome)) }
        filled.signal()
    }

    /// The next item, waiting for the reader when none waits.
    func take() -> Item {
        filled.wait()
        let item = state.withLock { $0.waiting.removeFirst() }
        if case .batch = item { room.signal() }
        return item
    }

    /// Stops taking batches (the register's side failed): the reader's next `put` returns false.
    /// Returns once the reader has ended, its batches and outcome dropped.
    func stop() {
        state.withLock { $0.stopped = true }
        room.signal()
        while case .batch = take() {}
    }
}
