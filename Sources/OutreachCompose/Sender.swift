import OutreachModel

/// Who the messages are from (configuration).
public struct Sender: Sendable {
    public var name: String
    public var address: String
    public var replyTo: String?
    public init(name: String, address: String, replyTo: String? = nil) {
        self.name = name; self.address = address; self.replyTo = replyTo
    }
    public var domain: String { String(address[address.index(after: address.lastIndex(of: "@")!)...]) }
}

extension Settings {
    /// The sender of every message, as configured (`sender.*`).
    public var sender: Sender { Sender(name: senderName, address: senderFrom, replyTo: senderReplyTo) }
}
