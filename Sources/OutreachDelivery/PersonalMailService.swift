import AsyncAlgorithms
import Foundation
import Logging
import Metrics
import OutreachCompose
import OutreachLinks
import OutreachModel
import OutreachRegister
import ServiceLifecycle

/// Sends the personal mails the pages queue (`PersonalMail`): sign-up confirmations and
/// preference links. Each is checked against the suppression list right before it goes (a
/// suppression recorded since it was queued wins), sent on a thread of its own (libcurl blocks),
/// and its outcome recorded; a 4xx or a dropped connection is tried again on the retry schedule.
public final class PersonalMailService<C: Clock<Duration>>: Service, Sendable {
    let register: Register
    let settings: Settings
    let links: Links
    let logger: Logger
    let clock: C
    let interval: Duration
    let joinConfirm: PersonalMessage
    let preferenceLink: PersonalMessage
    let makeTransport: @Sendable (Settings) throws -> any MailTransport
    static var sent: Counter { Counter(label: "outreach_personal_mail_sent_total") }

    package init(register: Register, settings: Settings, links: Links, signer: DKIMSigner?, logger: Logger, clock: C,
                interval: Duration = .milliseconds(250),
                makeTransport: @escaping @Sendable (Settings) throws -> any MailTransport = { try CurlSMTPTransport(.init($0)) }) throws {
        self.register = register
        self.settings = settings
        self.links = links
        self.logger = logger
        self.clock = clock
        self.interval = interval
        self.makeTransport = makeTransport
        joinConfirm = try PersonalMessage(template: try InvitationTemplate.load(name: "join-confirm", from: settings.templatesPath),
                                          sender: settings.sender, signer: signer)
        preferenceLink = try PersonalMessage(template: try InvitationTemplate.load(name: "preference-link", from: settings.templatesPath),
                                             sender: settings.sender, signer: signer)
    }

    public func run() async throws {
        // One connection, kept between mails; made again after a failure.
        let transport = TransportBox()
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            do { try await sendDue(transport) } catch {
                logger.error("personal mail step failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Sends every personal mail due now.
    func sendDue(_ box: TransportBox) async throws {
        while true {
            let due = try await register.duePersonalMail(limit: 20)
            if due.isEmpty { return }
            for mail in due { try await send(mail, box) }
        }
    }

    private func send(_ mail: PersonalMail, _ box: TransportBox) async throws {
        let meta: Logger.Metadata = ["mail.kind": "\(mail.kind.rawValue)", "mail.id": "\(mail.id)"]
        if mail.suppressed {
            try await register.recordPersonalMail(id: mail.id, .failed(reason: "suppressed"))
            logger.info("personal mail not sent: the address is suppressed", metadata: meta)
            return
        }
        guard let address = try? EmailAddress(mail.email) else {
            try await register.recordPersonalMail(id: mail.id, .failed(reason: "not an email address"))
            return
        }
        let message = switch mail.kind {
        case .joinConfirm:
            joinConfirm.compose(to: address.value, language: mail.language, links: ["confirm_url": links.joinConfirm(requestID: mail.subjectID)])
        case .preferenceLink:
            preferenceLink.compose(to: address.value, language: mail.language,
                                   links: ["preferences_url": links.preferences(contactID: mail.subjectID)])
        }
        let transport = try box.transport { try self.makeTransport(self.settings) }
        let outcome = await withCheckedContinuation { (done: CheckedContinuation<DeliveryOutcome, Never>) in
            nonisolated(unsafe) let transport = transport
            Thread { done.resume(returning: transport.send(message.bytes, from: message.envelopeSender, to: address)) }.start()
        }
        switch outcome {
        case .sent(let reply):
            try await register.recordPersonalMail(id: mail.id, .sent(reply: reply?.text))
            Self.sent.increment()
            logger.info("personal mail sent", metadata: meta)
        case .permanent(let why, _, _, _):
            try await register.recordPersonalMail(id: mail.id, .failed(reason: RelayText.clean(why)))
            logger.warning("personal mail refused", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
        case .transient(let why, _, _), .unknown(let why), .relayFault(let why, _):
            box.reset()
            let schedule = settings.retrySchedule
            let wait = mail.attempts < schedule.count ? schedule[mail.attempts] : nil
            if let wait {
                try await register.recordPersonalMail(id: mail.id, .retry(reason: RelayText.clean(why),
                                                                          atMs: Timestamp.milliseconds() + wait.components.seconds * 1000))
            } else {
                try await register.recordPersonalMail(id: mail.id, .failed(reason: RelayText.clean(why)))
            }
            logger.warning("personal mail not sent, trying later", metadata: meta.merging(["smtp.reply": "\(RelayText.clean(why))"]) { $1 })
        }
    }
}

/// The service's one transport, made on first use and dropped after a failure.
final class TransportBox: @unchecked Sendable {  // used from the service's one task, one mail at a time
    private var current: (any MailTransport)?
    func transport(_ make: () throws -> any MailTransport) throws -> any MailTransport {
        if let current { return current }
        let made = try make()
        current = made
        return made
    }
    func reset() { current = nil }
}

/// Text from a relay, safe for a log line: control characters become spaces.
enum RelayText {
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }).prefix(300))
    }
}
