import Crypto
import Foundation

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

/// A message ready to send.
public struct ComposedMessage: Sendable {
    public let bytes: [UInt8]
    public let messageID: String
    public let language: String
    public let subject: String
}

/// Personalizes a campaign's frozen template for one contact and builds the MIME message.
public struct InvitationComposer: Sendable {
    public let campaignID: Int64
    public let slug: String
    public let template: CompiledTemplate
    public let event: Event?
    public let subjectOverride: String?
    public let sender: Sender
    public let links: Links
    /// Event fields already written out per language (dates formatted once, not per message).
    private let eventFields: [String: [String: String]]
    /// The calendar per language, cut around its only per-message parts (UID and DTSTAMP).
    private let calendars: [String: [String]]
    static let uidMark = "\u{1}UID\u{1}", stampMark = "\u{1}STAMP\u{1}"

    public init(campaign: Campaign, sender: Sender, links: Links) throws {
        campaignID = campaign.id!
        slug = campaign.slug
        template = try campaign.template.compiled()
        event = try campaign.event
        subjectOverride = campaign.subject
        self.sender = sender
        self.links = links
        var fields: [String: [String: String]] = [:]
        if let event {
            for lang in template.source.languages.keys { fields[lang] = InvitationComposer.eventFields(event, language: lang) }
        }
        eventFields = fields
        var calendars: [String: [String]] = [:]
        if let event {
            for lang in template.source.languages.keys {
                let text = ICalendar.publish(event: event, uid: Self.uidMark, languages: [lang, template.source.defaultLanguage], stampText: Self.stampMark)
                let first = text.components(separatedBy: Self.uidMark)
                let second = first[1].components(separatedBy: Self.stampMark)
                calendars[lang] = [first[0], second[0], second[1]]
            }
        }
        self.calendars = calendars
    }

    /// The message for `contact` (`test`: marked as a test in the subject).
    public func compose(_ contact: Contact, test: Bool = false, date: Date = Date()) -> ComposedMessage {
        let (language, subjectText, text, html, unsubscribe) = render(contact)
        var subject = subjectText
        if test { subject = "[TEST] " + subject }
        let messageID = MIMEMessage.newMessageID(domain: sender.domain)
        let calendar = calendars[language].map { $0[0] + uid(contact.id ?? 0) + $0[1] + ICalendar.utc(date) + $0[2] }
        let message = MIMEMessage(
            fromName: sender.name, fromAddress: sender.address, toName: contact.name.isEmpty ? nil : contact.name,
            toAddress: contact.email, replyTo: sender.replyTo, subject: subject, date: date, messageID: messageID,
            listID: "\(slug).\(sender.domain)", unsubscribeURL: unsubscribe,
            unsubscribeMailto: "mailto:\(sender.replyTo ?? sender.address)?subject=unsubscribe",
            text: text, html: html, calendar: calendar)
        return ComposedMessage(bytes: message.bytes(), messageID: messageID, language: language, subject: subject)
    }

    /// The personalized texts for `contact`: its language, subject, plain text, HTML, unsubscribe URL.
    public func render(_ contact: Contact) -> (language: String, subject: String, text: String, html: String, unsubscribeURL: String) {
        let (language, _) = template.source.language(for: contact.language)
        let contactID = contact.id ?? 0
        let unsubscribe = links.unsubscribe(contactID: contactID, campaignID: campaignID)
        var context: [String: Any] = [
            "salutation": Salutation.greeting(
                name: contact.name, addressedAs: contact.addressedAs, honorific: contact.honorific, kind: contact.kind,
                contactLanguage: contact.language, language: language),
            "contact": [
                "email": contact.email, "name": contact.name, "addressed_as": contact.addressedAs ?? "",
                "honorific": contact.honorific ?? "", "kind": contact.kind.rawValue, "country": contact.country ?? "",
                "city": contact.city ?? "", "language": contact.language ?? "", "organization": contact.organization ?? "",
                "attributes": contact.attributes == "{}" ? [:] : contact.attributeMap,
            ] as [String: Any],
            "sender": ["name": sender.name, "email": sender.address],
            "campaign": ["slug": slug],
            "unsubscribe_url": unsubscribe,
            "confirm_url": links.confirm(contactID: contactID, campaignID: campaignID),
            "lang": language,
        ]
        if let fields = eventFields[language] {
            context["event"] = fields
            let rsvp = links.rsvp(contactID: contactID, campaignID: campaignID, answer: "")
            context["rsvp_yes_url"] = rsvp + "yes"
            context["rsvp_no_url"] = rsvp + "no"
        }
        let rendered = template.render(context, language: language)
        return (language, subjectOverride ?? rendered.subject, rendered.text, rendered.html, unsubscribe)
    }

    /// Stable per campaign and contact, and reveals neither.
    func uid(_ contactID: Int64) -> String {
        "\(Hex.string(SHA256.hash(data: Data("\(slug)|\(contactID)".utf8)).prefix(12)))@\(sender.domain)"
    }

    /// The event's merge fields in `language`.
    public static func eventFields(_ event: Event, language: String) -> [String: String] {
        let langs = [language, "en"]
        let locale = Locale(identifier: language)
        let day = DateFormatter()
        day.locale = locale
        day.timeZone = event.zone
        day.dateStyle = .full
        day.timeStyle = .none
        let clock = DateFormatter()
        clock.locale = Locale(identifier: "en_US_POSIX")
        clock.timeZone = event.zone
        clock.dateFormat = "HH:mm"
        var fields: [String: String] = [
            "title": Event.text(event.title, langs) ?? "",
            "date": day.string(from: event.startDate),
            "time": "\(clock.string(from: event.startDate)) – \(clock.string(from: event.endDate))",
            "time_zone": event.timeZone,
            "venue": Event.text(event.venue, langs) ?? "",
            "organizer_name": Event.text(event.organizerName, langs) ?? "",
            "organizer_email": event.organizerEmail,
        ]
        fields["description"] = Event.text(event.description, langs)
        fields["address"] = Event.text(event.address, langs)
        fields["dress_code"] = Event.text(event.dressCode, langs)
        fields["map_url"] = event.mapURL
        fields["phone"] = event.phone
        if let deadline = event.rsvpDeadlineDate {
            fields["rsvp_deadline"] = "\(day.string(from: deadline)) \(clock.string(from: deadline))"
        }
        return fields
    }
}
