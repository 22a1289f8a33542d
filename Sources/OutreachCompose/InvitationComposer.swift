import Crypto
import Foundation
import OutreachLinks
import OutreachModel

/// A message ready to send.
public struct ComposedMessage: Sendable {
    public let bytes: [UInt8]
    public let messageID: String
    public let language: String
    public let subject: String
    /// The envelope sender (MAIL FROM): the signed bounce address of this campaign and contact
    /// (VERP) when `bounces.address` is set, `sender.from` otherwise.
    public let envelopeSender: String
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
    /// Signs each message's final bytes with DKIM; nil: unsigned.
    public let signer: DKIMSigner?
    /// For a reminder or notice: the invitation it follows (UID, SEQUENCE, RSVP links, what changed).
    public let revision: EventRevision?
    /// The template shows `tickets` (a reminder to confirmed people): each carries their QR codes.
    let showsTickets: Bool
    /// The calendar's method: CANCEL for a cancellation, PUBLISH otherwise.
    private let calendarMethod: ICalendar.Method
    /// Per language, the event fields a notice changed and their previous values.
    private let changes: [String: (changed: [String: Bool], previous: [String: String])]
    /// Event fields already written out per language (dates formatted once, not per message).
    private let eventFields: [String: [String: String]]
    /// Per language, the texts rendered once with markers for the personal fields.
    private var prepared: [String: PreparedTexts] = [:]
    /// The calendar per language, cut around its only per-message parts (UID and DTSTAMP).
    private let calendars: [String: [String]]
    static let uidMark = "\u{1}UID\u{1}", stampMark = "\u{1}STAMP\u{1}"
    /// The From header, encoded once; the List-Id; the mailto unsubscribe when it is the same for
    /// everyone (no bounce address: then it goes to the reply address).
    private let fromHeader: String, listID: String, unsubscribeMailto: String
    /// Per language, the Subject header encoded once, when the subject is the same for everyone.
    private var subjectHeaders: [String: String] = [:]
    /// Per language, the plain-text and HTML parts quoted-printable once around their personal fields.
    private var encodedParts: [String: (text: EncodedPart, html: EncodedPart)] = [:]

    /// A composer for campaign `campaignID` (`slug`), its template and event as frozen into it,
    /// and `subject` instead of the template's when given; `revision` for a reminder or notice.
    public init(campaignID: Int64, slug: String, template: InvitationTemplate, event: Event?, subject: String?,
                sender: Sender, links: Links, revision: EventRevision? = nil, signer: DKIMSigner? = nil) throws {
        self.signer = signer
        self.revision = revision
        calendarMethod = revision?.cancelled == true ? .cancel : .publish
        self.campaignID = campaignID
        self.slug = slug
        self.template = try template.compiled()
        showsTickets = template.languages.values.contains { $0.html.contains("{{#tickets}}") || $0.text.contains("{{#tickets}}") }
        self.event = event
        subjectOverride = subject
        self.sender = sender
        self.links = links
        fromHeader = HeaderEncoding.address("From", displayName: sender.name, address: sender.address)
        listID = "\(slug).\(sender.domain)"
        unsubscribeMailto = "mailto:\(sender.replyTo ?? sender.address)?subject=unsubscribe"
        var fields: [String: [String: String]] = [:]
        if let event {
            for lang in self.template.source.languages.keys { fields[lang] = EventFields.fields(event, language: lang) }
        }
        eventFields = fields
        var changes: [String: (changed: [String: Bool], previous: [String: String])] = [:]
        for (lang, current) in fields { changes[lang] = revision?.changes(to: current, language: lang) }
        self.changes = changes
        var calendars: [String: [String]] = [:]
        if let event {
            for lang in self.template.source.languages.keys {
                let text = ICalendar.publish(event: event, uid: Self.uidMark, languages: [lang, self.template.source.defaultLanguage],
                                             stampText: Self.stampMark, sequence: revision?.sequence ?? 0, method: calendarMethod)
                let first = text.components(separatedBy: Self.uidMark)
                let second = first[1].components(separatedBy: Self.stampMark)
                calendars[lang] = [first[0], second[0], second[1]]
            }
        }
        self.calendars = calendars
        var ready: [String: PreparedTexts] = [:]
        let markers = PersonalField.allCases.map { PersonalizedText.marker($0.rawValue) }
        for (lang, texts) in self.template.source.languages where InvitationComposer.canPrepare(texts) {
            let r = self.template.render(context(language: lang, values: markers), language: lang)
            ready[lang] = PreparedTexts(subject: PersonalizedText(cutting: r.subject), text: PersonalizedText(cutting: r.text),
                                        html: PersonalizedText(cutting: r.html))
        }
        prepared = ready
        for (lang, p) in ready {
            if subjectOverride != nil || p.subject.fields.isEmpty {
                subjectHeaders[lang] = HeaderEncoding.unstructured("Subject", subjectOverride ?? p.subject.literals[0])
            }
            encodedParts[lang] = (EncodedPart(p.text), EncodedPart(p.html))
        }
    }

    /// The message for `contact` (`test`: marked as a test in the subject).
    public func compose(_ contact: Recipient, test: Bool = false, date: Date = Date()) -> ComposedMessage {
        let (language, _) = template.source.language(for: contact.language, kind: contact.kind)
        let values = personalValues(contact, language: language)
        let ticketParts = ticketParts(for: contact)
        var subject: String, text = "", html = ""
        var textQP: [UInt8]?, htmlQP: [UInt8]?
        if let prepared = prepared[language], let parts = encodedParts[language] {
            // The parts encoded once around the personal fields, unless base64 is the better
            // choice for a part: then it is filled and encoded whole.
            subject = subjectOverride ?? prepared.subject.fill(values, html: false)
            textQP = parts.text.quotedPrintable(values, html: false)
            htmlQP = parts.html.quotedPrintable(values, html: true)
            if textQP == nil { text = prepared.text.fill(values, html: false) }
            if htmlQP == nil { html = prepared.html.fill(values, html: true) }
        } else {
            (subject, text, html) = render(language: language, values: values, tickets: ticketParts.lines)
        }
        if test { subject = "[TEST] " + subject }
        // One token names this message to us: in its Message-ID, and in its envelope sender (VERP).
        let bounceToken = links.signer.addressToken(.bounce, contactID: contact.id, campaignID: campaignID)
        let messageID = MIMEMessage.newMessageID(token: bounceToken, domain: sender.domain)
        let calendar = calendars[language].map { $0[0] + uid(contact.id) + attendee(contact) + $0[1] + ICalendar.utc(date) + $0[2] }
        var message = MIMEMessage(
            fromName: sender.name, fromAddress: sender.address, toName: contact.name.isEmpty ? nil : contact.name,
            toAddress: EmailAddress.withASCIIDomain(contact.email), replyTo: sender.replyTo, subject: subject, date: date, messageID: messageID,
            listID: listID, unsubscribeURL: values[PersonalField.unsubscribeURL.rawValue],
            unsubscribeMailto: links.returnAddress?.unsubscribeMailto(contactID: contact.id, campaignID: campaignID) ?? unsubscribeMailto,
            text: text, html: html, calendar: calendar, calendarMethod: calendarMethod, contentLanguage: language, fromHeader: fromHeader,
            subjectHeader: test ? nil : subjectHeaders[language], textQuotedPrintable: textQP, htmlQuotedPrintable: htmlQP)
        message.inlineImages = ticketParts.images
        let bytes = message.bytes()
        return ComposedMessage(bytes: signer?.sign(bytes, time: date) ?? bytes, messageID: messageID, language: language, subject: subject,
                               envelopeSender: links.returnAddress?.address(token: bounceToken) ?? sender.address)
    }

    /// The personalized texts for `contact`: its language, subject, plain text, HTML, unsubscribe URL.
    public func render(_ contact: Recipient) -> (language: String, subject: String, text: String, html: String, unsubscribeURL: String) {
        let (language, _) = template.source.language(for: contact.language, kind: contact.kind)
        let values = personalValues(contact, language: language)
        let rendered = render(language: language, values: values, tickets: ticketParts(for: contact).lines)
        return (language, rendered.subject, rendered.text, rendered.html, values[PersonalField.unsubscribeURL.rawValue])
    }

    /// The subject, plain text and HTML in `language` for these personal values.
    private func render(language: String, values: [String], tickets: [[String: Any]] = []) -> (subject: String, text: String, html: String) {
        if let prepared = prepared[language] {
            return (subjectOverride ?? prepared.subject.fill(values, html: false),
                    prepared.text.fill(values, html: false), prepared.html.fill(values, html: true))
        }
        var context = context(language: language, values: values)
        if !tickets.isEmpty { context["tickets"] = tickets; context["has_tickets"] = true }
        let rendered = template.render(context, language: language)
        return (subjectOverride ?? rendered.subject, rendered.text, rendered.html)
    }

    /// The merge fields that differ from one recipient to the next.
    enum PersonalField: Int, CaseIterable {
        case salutation, email, name, addressedAs, honorific, kind, country, city, language, organization
        case unsubscribeURL, confirmURL, rsvpYesURL, rsvpNoURL, invitationAnswer, preferencesURL
    }

    private func personalValues(_ contact: Recipient, language: String) -> [String] {
        let contactID = contact.id
        // A reminder's links answer the invitation; a cancelled event takes no answers.
        let rsvp = event == nil || revision?.cancelled == true ? ""
            : links.rsvp(contactID: contactID, campaignID: revision?.invitationID ?? campaignID, answer: "")
        return [
            Salutation.greeting(name: contact.name, addressedAs: contact.addressedAs, honorific: contact.honorific,
                                kind: contact.kind, contactLanguage: contact.language, language: language),
            contact.email, contact.name, contact.addressedAs ?? "", contact.honorific ?? "", contact.kind.rawValue,
            contact.country ?? "", contact.city ?? "", contact.language ?? "", contact.organization ?? "",
            links.unsubscribe(contactID: contactID, campaignID: campaignID),
            template.source.purpose == .consentRequest ? links.confirm(contactID: contactID, campaignID: campaignID) : "",
            rsvp.isEmpty ? "" : rsvp + "yes", rsvp.isEmpty ? "" : rsvp + "no", contact.invitationAnswer ?? "",
            links.preferences(contactID: contactID),
        ]
    }

    /// The Mustache context for one recipient (`values` in `PersonalField` order).
    private func context(language: String, values: [String], attributes: [String: String] = [:]) -> [String: Any] {
        func v(_ f: PersonalField) -> String { values[f.rawValue] }
        var context: [String: Any] = [
            "salutation": v(.salutation),
            "contact": [
                "email": v(.email), "name": v(.name), "addressed_as": v(.addressedAs), "honorific": v(.honorific),
                "kind": v(.kind), "country": v(.country), "city": v(.city), "language": v(.language),
                "organization": v(.organization), "attributes": attributes,
            ] as [String: Any],
            "sender": ["name": sender.name, "email": sender.address],
            "campaign": ["slug": slug],
            "unsubscribe_url": v(.unsubscribeURL),
            "preferences_url": v(.preferencesURL),
            // The same for everyone: the campaign's text in this language, without tokens.
            "view_url": links.viewInBrowser(slug: slug, language: language),
            "lang": language,
        ]
        // Only a consent request carries a confirmation link: templates test for it.
        if !v(.confirmURL).isEmpty { context["confirm_url"] = v(.confirmURL) }
        if let fields = eventFields[language] {
            context["event"] = fields
            if !v(.rsvpYesURL).isEmpty {
                context["rsvp_yes_url"] = v(.rsvpYesURL)
                context["rsvp_no_url"] = v(.rsvpNoURL)
            }
        }
        if let revision {
            // What the person answered to the invitation (a reminder says it), what a notice changed.
            let answer = v(.invitationAnswer)
            context["answer"] = ["yes": answer == "yes", "no": answer == "no", "none": answer.isEmpty]
            context["cancelled"] = revision.cancelled
            if let change = changes[language] {
                context["changed"] = change.changed
                context["previous"] = change.previous
            }
        }
        return context
    }

    /// One language's subject, text and HTML rendered once with markers for the personal fields.
    struct PreparedTexts: Sendable {
        var subject: PersonalizedText
        var text: PersonalizedText
        var html: PersonalizedText
    }

    /// Whether a language's texts can be rendered once and filled per recipient: no section,
    /// inverted section or transform depends on a personal field, and no attribute is used.
    static func canPrepare(_ t: InvitationTemplate.Texts) -> Bool {
        // (The standard library's searches: Foundation's would fold every character of the
        // templates, tens of milliseconds per campaign.)
        let all = [t.subject, t.html, t.text, t.headerHTML, t.footerHTML, t.headerText, t.footerText].joined()
        let personal = ["contact", "salutation", "unsubscribe_url", "rsvp_yes_url", "rsvp_no_url", "answer", "tickets", "has_tickets"]
        for p in personal {
            for opening in ["{{#", "{{^", "{{# ", "{{^ "] where all.firstRange(of: opening + p) != nil { return false }
        }
        // A transform is `{{name(…)}}`: a "(" after "{{" and before the next "}".
        let tags = all.split(separator: "{{", omittingEmptySubsequences: false).dropFirst()
        let transform = tags.contains { tag in tag.prefix { $0 != "}" }.contains(Character("(")) }
        return all.firstRange(of: "attributes") == nil && !transform
    }

    /// Stable per invitation and contact, and reveals neither: a reminder or notice carries the
    /// UID of the invitation it follows.
    func uid(_ contactID: Int64) -> String {
        var seed = Array("\(revision?.invitationSlug ?? slug)|".utf8)
        seed.append(contentsOf: String(contactID).utf8)
        let hex = SHA256.hash(data: seed).withUnsafeBytes { Hex.string(UnsafeRawBufferPointer(rebasing: $0.prefix(12))) }
        return hex + "@" + sender.domain
    }

    /// A cancellation names the person it removes the event for (RFC 5546 §3.2.5 CANCEL).
    private func attendee(_ contact: Recipient) -> String {
        guard calendarMethod == .cancel else { return "" }
        return "\r\n" + ICalendar.fold("ATTENDEE;RSVP=FALSE:mailto:\(contact.email)")
    }
}
