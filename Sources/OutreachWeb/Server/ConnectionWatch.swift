import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes

/// The timers of one connection. A request (head and body) must arrive within the read timeout
/// of its first byte; between requests the connection may stay idle for the idle timeout; while
/// a request is being answered no timer runs. Touched only on its channel's event loop, by the
/// two handlers below (hence `@unchecked Sendable`).
final class ConnectionWatch: @unchecked Sendable {
    private let channel: any Channel
    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private let logger: Logger
    private var id: UInt64?
    /// Since when a request is arriving (set by its first byte, or by the connection's opening).
    private var readingSince: NIODeadline? = .now()
    /// Requests read in full and not answered yet.
    private var answering = 0
    private var idleSince: NIODeadline = .now()
    private var timer: Scheduled<Void>?

    init(channel: any Channel, limits: ConnectionLimits, registry: ConnectionRegistry, logger: Logger) {
        self.channel = channel
        self.limits = limits
        self.registry = registry
        self.logger = logger
    }

    /// Registers the connection; false when the server is full of busy connections.
    func start() -> Bool {
        id = registry.opened(channel)
        guard id != nil else { return false }
        reschedule()
        return true
    }

    func bytesArrived() {
        if readingSince == nil, answering == 0 {
            readingSince = .now()
            reschedule()
        }
    }

    func requestRead() {
        readingSince = nil
        answering += 1
        if let id { registry.setWaiting(id, false) }
        reschedule()
    }

    func responseWritten() {
        answering = max(0, answering - 1)
        if answering == 0 {
            idleSince = .now()
            if let id { registry.setWaiting(id, true) }
        }
        reschedule()
    }

    func closed() {
        timer?.cancel()
        timer = nil
        if let id { registry.closed(id) }
        id = nil
    }

    private func reschedule() {
        timer?.cancel()
        timer = nil
        guard id != nil else { return }
        let deadline: NIODeadline, reason: String
        if let since = readingSince {
            (deadline, reason) = (since + .nanoseconds(limits.readTimeout.inNanoseconds), "read")
        } else if answering == 0 {
            (deadline, reason) = (idleSince + .nanoseconds(limits.idleTimeout.inNanoseconds), "idle")
        } else {
            return
        }
        timer = channel.eventLoop.scheduleTask(deadline: deadline) { [self] in
            timer = nil
            logger.debug("closing a slow connection", metadata: ["http.timeout": "\(reason)",
                                                                 "http.peer": "\(channel.remoteAddress?.description ?? "-")"])
            channel.close(promise: nil)
        }
    }
}

extension Duration {
    var inNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// First in the pipeline: sees a request's first bytes before the HTTP parser does.
final class RawReadWatcher: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    let watch: ConnectionWatch
    init(_ watch: ConnectionWatch) { self.watch = watch }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        watch.bytesArrived()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch.closed()
        context.fireChannelInactive()
    }
}

/// After the HTTP parser: a request read in full, a response written in full; and the security
/// headers on every response head, including those the server writes without the router (its 400
/// for a request it cannot parse).
final class RequestWatcher: ChannelDuplexHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    let watch: ConnectionWatch
    init(_ watch: ConnectionWatch) { self.watch = watch }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { watch.requestRead() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            SecurityHeaders.stamp(&head.headerFields)
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            watch.responseWritten()
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        }
    }
}
