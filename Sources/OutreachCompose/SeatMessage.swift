import Foundation
import OutreachLinks
import OutreachModel

/// The mails an event's seats send one person, from a shipped template: the offer of a freed
/// seat (`seat-offer`: `seat_url`, `deadline`) and the ticket of a confirmed seat
/// (`seat-confirmed`, and a reminder's ticket: `tickets`, one QR code per person and guest, shown
/// inline by `cid:` with the code in text too). Like an invitation it carries the footer's links and
/// List-Unsubscribe, and its envelope sender is the VERP bounce address when there is one.
public struct SeatMessage: Sendable {
    public let template: CompiledTemplate
    public let sender: Sender
    public let links: Links
    public let signer: DKIMSigner?

    public init(template: InvitationTemplate, sender: Sender, links: Links, signer: DKIMSigner? = nil) throws {
        self.template = try template.compiled()
        self.sender = sender
        self.links = links
        self.signer = signer
    }

    /// One ticket as the mail shows it: its code and who it admits (0: the person, 1…: a guest).
    public struct TicketLine: Sendable, Equatable {
        public let code: String
        public let guest: Int
        public init(code: String, guest: Int) { self.code = code; self.guest = guest }
    }

    /// The message to `contact` about invitation `campaignID` (`slug`, `event`): `offerExpiresAtMs`
    /// for an offer (the deadline, written in `timeZone` when it names one, else the event's),
    /// `tickets` for a ticket mail.
    public func compose(to contact: Recipient, campaignID: Int64, slug: String, event: Event?, timeZone: String? = nil,
                        offerExpiresAtMs: Int64? = nil, tickets: [TicketLine] = [], date: Date = Date()) throws -> ComposedMessage {
        let (language, _) = template.source.language(for: contact.language, kind: contact.kind)
        let unsubscribe = links.unsubscribe(contactID: contact.id, campaignID: campaignID)
        var context: [String: Any] = [
            "salutation": Salutation.greeting(name: contact.name, addressedAs: contact.addressedAs, honorific: contact.honorific,
                                              kind: contact.kind, contactLanguage: contact.language, language: language),
            "contact": ["email": contact.email, "name": contact.name, "addressed_as": contact.addressedAs ?? ""] as [String: Any],
            "sender": ["name": sender.name, "email": sender.address],
            "campaign": ["slug": slug],
            "unsubscribe_url": unsubscribe,
            "preferences_url": links.preferences(contactID: contact.id),
            "lang": language,
        ]
        if let event { context["event"] = EventFields.fields(event, language: language) }
        if let offerExpiresAtMs {
            context["seat_url"] = links.seat(contactID: contact.id, campaignID: campaignID)
            let zone = timeZone.flatMap(TimeZone.init(identifier:)) ?? event.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(identifier: "UTC")!
            context["deadline"] = SeatDeadline.text(ms: offerExpiresAtMs, zone: zone, language: language)
        }
        var images: [InlineImage] = []
        var lines: [[String: Any]] = []
        for ticket in tickets {
            let id = "ticket-\(ticket.guest).\(campaignID).\(contact.id)@\(sender.domain)"
            images.append(InlineImage(contentID: id, filename: "ticket-\(ticket.guest).png", png: try TicketImage.png(ticket.code)))
            lines.append(["code": TicketAlphabet.grouped(ticket.code), "cid": id, "guest": ticket.guest, "is_guest": ticket.guest > 0])
        }
        if !lines.isEmpty { context["tickets"] = lines }
        let rendered = template.render(context, language: language)
        let bounceToken = links.signer.addressToken(.bounce, contactID: contact.id, campaignID: campaignID)
        let messageID = MIMEMessage.newMessageID(token: bounceToken, domain: sender.domain)
        var message = MIMEMessage(
            fromName: sender.name, fromAddress: sender.address, toName: contact.name.isEmpty ? nil : HeaderEncoding.singleLine(contact.name),
            toAddress: EmailAddress.withASCIIDomain(contact.email), replyTo: sender.replyTo, subject: rendered.subject, date: date,
            messageID: messageID, listID: "\(slug).\(sender.domain)", unsubscribeURL: unsubscribe,
            unsubscribeMailto: links.returnAddress?.unsubscribeMailto(contactID: contact.id, campaignID: campaignID),
            text: rendered.text, html: rendered.html, calendar: nil, contentLanguage: language)
        message.inlineImages = images
        let bytes = message.bytes()
        return ComposedMessage(bytes: signer?.sign(bytes, time: date) ?? bytes, messageID: messageID, language: language,
                               subject: rendered.subject, envelopeSender: links.returnAddress?.address(token: bounceToken) ?? sender.address)
    }
}

/// The deadline of an offer as a person reads it: the date and time in their language and zone,
/// and the zone's name.
public enum SeatDeadline {
    static let locales = ["vi": "vi_VN", "en": "en_GB", "fr": "fr_FR", "ko": "ko_KR", "ja": "ja_JP", "zh": "zh_CN"]

    public static func text(ms: Int64, zone: TimeZone, language: String) -> String {
        let format = DateFormatter()
        format.locale = Locale(identifier: locales[language] ?? "en_GB")
        format.timeZone = zone
        format.dateStyle = .full
        format.timeStyle = .short
        return "\(format.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))) (\(zone.identifier))"
    }
}
