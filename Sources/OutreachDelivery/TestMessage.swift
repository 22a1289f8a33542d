import Foundation
import OutreachCampaigns
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister

/// `campaign test`: one message of a campaign sent now to any address, marked as a test in its
/// subject, kept outside the campaign's counts (the register records it as a test send).
public struct TestMessage: Sendable {
    /// What the relay said.
    public struct Result: Sendable {
        public let message: ComposedMessage
        public let outcome: DeliveryOutcome
        /// `sent`, `retry`, `failed` or `unknown`.
        public var word: String {
            switch outcome {
            case .sent: "sent"
            case .transient: "retry"
            case .permanent, .relayFault: "failed"
            case .unknown: "unknown"
            }
        }
        /// The relay's reply or the reason it failed.
        public var reply: String? {
            switch outcome {
            case .sent(let r): r?.text
            case .transient(let why, _, _), .permanent(let why, _, _, _), .unknown(let why): why
            case .relayFault(let why, let fix): "\(why) — \(fix)"
            }
        }
    }

    let register: Register
    let settings: Settings
    let makeTransport: @Sendable (Settings) throws -> any MailTransport

    package init(register: Register, settings: Settings,
                makeTransport: @escaping @Sendable (Settings) throws -> any MailTransport = { try CurlSMTPTransport(.init($0)) }) {
        self.register = register
        self.settings = settings
        self.makeTransport = makeTransport
    }

    /// Composes the campaign's message as a person would receive it, sends it to `address`, and
    /// records the test. The person is the contact `person` (their name, form of address,
    /// language and own links), else the register's contact at `address`, else an unnamed
    /// recipient; `language` (vi, en, fr, ko, ja, zh) overrides theirs. A suppressed `address` gets
    /// no test message (suppression wins; there is no override: staff test with another address).
    public func send(_ slug: String, to address: EmailAddress, as person: String? = nil, language: String? = nil) async throws -> Result {
        let campaign = try register.campaign(slug)
        if let reason = try register.suppressionReason(of: address) {
            throw TestMessageRefusal.suppressed(to: address.value, reason: reason)
        }
        let composer = try InvitationComposer(campaign: campaign, sender: settings.sender, links: try register.links(settings),
                                              signer: try settings.dkimSigner())
        var recipient: Recipient
        if let person {
            guard let contact = try register.contact(email: person) else { throw ContactCommandError.notFound(person) }
            recipient = contact.recipient
        } else {
            recipient = try register.contact(email: address.value)?.recipient ?? Recipient.unregistered(address)
        }
        if let language { recipient.language = language }
        let message = composer.compose(recipient, test: true)
        let transport = try makeTransport(settings)
        let from = message.envelopeSender
        // libcurl blocks: on a thread of its own, not in Swift's cooperative pool.
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<DeliveryOutcome, Never>) in
            nonisolated(unsafe) let transport = transport
            Thread { done.resume(returning: transport.send(message.bytes, from: from, to: address)) }.start()
        }
        let result = Result(message: message, outcome: outcome)
        try register.recordTest(campaignID: campaign.id!, email: address.value, messageID: message.messageID,
                                outcome: result.word, reply: result.reply)
        return result
    }
}

/// Why `campaign test` sends nothing.
public enum TestMessageRefusal: StaffFacingError, Equatable {
    /// The address is on the suppression list, for `reason`.
    case suppressed(to: String, reason: SuppressionReason)
    public var message: StaffMessage {
        switch self {
        case .suppressed(let to, let reason): StaffMessage("campaign.test_suppressed", ["to": to, "reason": reason.rawValue])
        }
    }
}
