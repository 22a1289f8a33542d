import HummingbirdCore
import Logging
import NIOCore

/// HTTP/1.1 with `ConnectionLimits`: Hummingbird's `HTTP1Channel`, with a `ConnectionWatch` on
/// each connection and one `ConnectionRegistry` for the server.
struct GuardedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let registry: ConnectionRegistry
    let logger: Logger
    private let http: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, logger: Logger) {
        self.responder = responder
        self.limits = limits
        self.logger = logger
        registry = ConnectionRegistry(maxConnections: limits.maxConnections, logger: logger)
        http = HTTP1Channel(responder: responder)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let watch = ConnectionWatch(channel: channel, limits: limits, registry: registry, logger: self.logger)
        let responder = self.responder
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RawReadWatcher(watch), position: .first)
            guard watch.start() else { throw ChannelError.ioOnClosedChannel }
        }.flatMap {
            // One HTTP1Channel per connection: its extra handlers are this connection's watcher.
            HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: [RequestWatcher(watch)]))
                .setup(channel: channel, logger: logger)
        }.flatMapErrorThrowing { error in
            channel.close(promise: nil)
            throw error
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 under `limits`.
    static func guardedHTTP1(_ limits: ConnectionLimits, logger: Logger) -> HTTPServerBuilder {
        .init { responder in GuardedHTTP1Channel(responder: responder, limits: limits, logger: logger) }
    }
}
