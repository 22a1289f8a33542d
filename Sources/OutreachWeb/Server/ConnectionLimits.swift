import Foundation
import Logging
import NIOCore
import Synchronization

/// What the HTTP server allows one client, so slow or idle clients cannot starve the others
/// (`http.read_timeout`, `http.idle_timeout`, `http.max_connections`).
public struct ConnectionLimits: Sendable {
    /// A request's head and body must arrive within this, counted from its first byte (or from
    /// the connection's opening, for its first request).
    public var readTimeout: Duration
    /// A keep-alive connection that sends no new request is closed after this.
    public var idleTimeout: Duration
    /// Open connections at most: a new client past it closes the connection idle the longest.
    public var maxConnections: Int

    public init(readTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(30), maxConnections: Int = 1000) {
        self.readTimeout = readTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}

/// The server's open connections, and which of them are waiting on their client (idle, or
/// sending a request) since when. At the limit a newcomer closes the one that has waited longest:
/// a client being answered is never cut off, and a new client always gets in while any waits.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        /// Since when it waits on its client; nil while a request of it is being answered.
        var waitingSince: ContinuousClock.Instant?
    }
    private let maxConnections: Int
    private let logger: Logger
    private let state = Mutex<(next: UInt64, open: [UInt64: Entry])>((0, [:]))

    init(maxConnections: Int, logger: Logger) {
        self.maxConnections = maxConnections
        self.logger = logger
    }

    /// Registers a new connection; nil when every open connection is being answered and the
    /// limit is reached (then the newcomer is to be closed).
    func opened(_ channel: any Channel) -> UInt64? {
        let now = ContinuousClock.now
        let (id, evicted): (UInt64?, (any Channel)?) = state.withLock { s in
            var evicted: (any Channel)?
            if s.open.count >= maxConnections {
                guard let oldest = s.open.filter({ $0.value.waitingSince != nil }).min(by: { $0.value.waitingSince! < $1.value.waitingSince! })
                else { return (nil, nil) }
                evicted = s.open.removeValue(forKey: oldest.key)?.channel
            }
            s.next += 1
            s.open[s.next] = Entry(channel: channel, waitingSince: now)
            return (s.next, evicted)
        }
        if let evicted {
            logger.debug("closing the connection idle longest", metadata: ["http.peer": "\(evicted.remoteAddress?.description ?? "-")",
                                                                          "http.max_connections": "\(maxConnections)"])
            evicted.close(promise: nil)
        }
        if id == nil {
            logger.warning("connection refused: every connection is busy", metadata: ["http.max_connections": "\(maxConnections)"])
        }
        return id
    }

    /// The connection waits on its client from now (`waiting`), or is being answered.
    func setWaiting(_ id: UInt64, _ waiting: Bool) {
        let now = ContinuousClock.now
        state.withLock { s in
            guard s.open[id] != nil else { return }
            if !waiting { s.open[id]!.waitingSince = nil } else if s.open[id]!.waitingSince == nil { s.open[id]!.waitingSince = now }
        }
    }

    func closed(_ id: UInt64) {
        _ = state.withLock { $0.open.removeValue(forKey: id) }
    }

    /// How many connections are open (for tests and metrics).
    var count: Int { state.withLock { $0.open.count } }
}
