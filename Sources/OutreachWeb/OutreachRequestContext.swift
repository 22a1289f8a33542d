import Hummingbird

/// The request context of every route: Hummingbird's core storage plus the peer's address,
/// which goes into the consent ledger as evidence of who unsubscribed or confirmed.
public struct OutreachRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `ip` of the connection, or nil in router tests.
    public let peer: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peer = source.channel.remoteAddress?.ipAddress
    }
}
