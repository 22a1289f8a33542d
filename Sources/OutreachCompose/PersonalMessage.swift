import Foundation
import OutreachModel

/// A message to one person outside any campaign, from a shipped template: the sign-up's
/// confirmation (`join-confirm`: `confirm_url`) or the link to someone's preference page
/// (`preference-link`: `preferences_url`). It carries no List-Unsubscribe: it is the answer to
/// something the person just did on our pages, not a mailing.
public struct PersonalMessage: Sendable {
    public let template: CompiledTemplate
    public let sender: Sender
    public let signer: DKIMSigner?

    public init(template: InvitationTemplate, sender: Sender, signer: DKIMSigner? = nil) throws {
        self.template = try template.compiled()
        self.sender = sender
        self.signer = signer
    }

    /// The message to `address` in `language` (else the template's fallback), with `links`
    /// (`confirm_url`, `preferences_url`) and `fields` (e.g. `contact.name`) in its context.
    public func compose(to address: String, language: String?, links: [String: String], name: String = "",
                        date: Date = Date()) -> ComposedMessage {
        let (lang, _) = template.source.language(for: language, kind: .other)
        var context: [String: Any] = [
            "sender": ["name": sender.name, "email": sender.address],
            "contact": ["email": address, "name": name],
            "lang": lang,
        ]
        for (key, value) in links { context[key] = value }
        let rendered = template.render(context, language: lang)
        var random = SystemRandomNumberGenerator()
        let token = String(random.next(), radix: 36)
        let messageID = MIMEMessage.newMessageID(token: token, domain: sender.domain)
        let message = MIMEMessage(
            fromName: sender.name, fromAddress: sender.address, toName: name.isEmpty ? nil : HeaderEncoding.singleLine(name),
            toAddress: address, replyTo: sender.replyTo, subject: rendered.subject, date: date, messageID: messageID, listID: nil,
            unsubscribeURL: nil, unsubscribeMailto: nil, text: rendered.text, html: rendered.html, calendar: nil, contentLanguage: lang)
        let bytes = message.bytes()
        return ComposedMessage(bytes: signer?.sign(bytes, time: date) ?? bytes, messageID: messageID, language: lang,
                               subject: rendered.subject, envelopeSender: sender.address)
    }
}
