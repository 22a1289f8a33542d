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
    /// Signs each message's final bytes with DKIM; nil: unsigned.
    public let signer: DKIMSigner?
    /// Event fields already written out per language (dates formatted once, not per message).
    private let eventFields: [String: [String: String]]
    /// Per language, the texts rendered once with markers for the personal fields.
    private var prepared: [String: Prepared] = [:]
    /// The calendar per language, cut around its only per-message parts (UID and DTSTAMP).
    private let calendars: [String: [String]]
    static let uidMark = "\u{1}UID\u{1}", stampMark = "\u{1}STAMP\u{1}"
    /// The From header, encoded once; the List-Id and the mailto unsubscribe, the same for everyone.
    private let fromHeader: String, listID: String, unsubscribeMailto: String
    /// Per language, the Subject header encoded once, when the subject is the same for everyone.
    private var subjectHeaders: [String: String] = [:]
    /// Per language, the plain-text and HTML parts quoted-printable once around their personal fields.
    private var encodedParts: [String: (text: EncodedPart, html: EncodedPart)] = [:]

    public init(campaign: Campaign, sender: Sender, links: Links, signer: DKIMSigner? = nil) throws {
        self.signer = signer
        campaignID = campaign.id!
        slug = campaign.slug
        template = try campaign.template.compiled()
        event = try campaign.event
        subjectOverride = campaign.subject
        self.sender = sender
        self.links = links
        fromHeader = HeaderEncoding.address("From", displayName: sender.name, address: sender.address)
        listID = "\(slug).\(sender.domain)"
        unsubscribeMailto = "mailto:\(sender.replyTo ?? sender.address)?subject=unsubscribe"
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
        var ready: [String: Prepared] = [:]
        let markers = PersonalField.allCases.map { Prepared.marker($0.rawValue) }
        for (lang, texts) in template.source.languages where InvitationComposer.canPrepare(texts) {
            let r = template.render(context(language: lang, values: markers), language: lang)
            ready[lang] = Prepared(subject: Prepared.cut(r.subject), text: Prepared.cut(r.text), html: Prepared.cut(r.html))
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
    public func compose(_ contact: Contact, test: Bool = false, date: Date = Date()) -> ComposedMessage {
        let (language, _) = template.source.language(for: contact.language)
        let values = personalValues(contact, language: language)
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
            (subject, text, html) = render(language: language, values: values)
        }
        if test { subject = "[TEST] " + subject }
        let messageID = MIMEMessage.newMessageID(domain: sender.domain)
        let calendar = calendars[language].map { $0[0] + uid(contact.id ?? 0) + $0[1] + ICalendar.utc(date) + $0[2] }
        let message = MIMEMessage(
            fromName: sender.name, fromAddress: sender.address, toName: contact.name.isEmpty ? nil : contact.name,
            toAddress: contact.email, replyTo: sender.replyTo, subject: subject, date: date, messageID: messageID,
            listID: listID, unsubscribeURL: values[PersonalField.unsubscribeURL.rawValue], unsubscribeMailto: unsubscribeMailto,
            text: text, html: html, calendar: calendar, fromHeader: fromHeader,
            subjectHeader: test ? nil : subjectHeaders[language], textQuotedPrintable: textQP, htmlQuotedPrintable: htmlQP)
        let bytes = message.bytes()
        return ComposedMessage(bytes: signer?.sign(bytes, time: date) ?? bytes, messageID: messageID, language: language, subject: subject)
    }

    /// The personalized texts for `contact`: its language, subject, plain text, HTML, unsubscribe URL.
    public func render(_ contact: Contact) -> (language: String, subject: String, text: String, html: String, unsubscribeURL: String) {
        let (language, _) = template.source.language(for: contact.language)
        let values = personalValues(contact, language: language)
        let rendered = render(language: language, values: values)
        return (language, rendered.subject, rendered.text, rendered.html, values[PersonalField.unsubscribeURL.rawValue])
    }

    /// The subject, plain text and HTML in `language` for these personal values.
    private func render(language: String, values: [String]) -> (subject: String, text: String, html: String) {
        if let prepared = prepared[language] {
            return (subjectOverride ?? prepared.subject.fill(values, html: false),
                    prepared.text.fill(values, html: false), prepared.html.fill(values, html: true))
        }
        let rendered = template.render(context(language: language, values: values), language: language)
        return (subjectOverride ?? rendered.subject, rendered.text, rendered.html)
    }

    /// The merge fields that differ from one recipient to the next.
    enum PersonalField: Int, CaseIterable {
        case salutation, email, name, addressedAs, honorific, kind, country, city, language, organization
        case unsubscribeURL, confirmURL, rsvpYesURL, rsvpNoURL
    }

    private func personalValues(_ contact: Contact, language: String) -> [String] {
        let contactID = contact.id ?? 0
        let rsvp = event == nil ? "" : links.rsvp(contactID: contactID, campaignID: campaignID, answer: "")
        return [
            Salutation.greeting(name: contact.name, addressedAs: contact.addressedAs, honorific: contact.honorific,
                                kind: contact.kind, contactLanguage: contact.language, language: language),
            contact.email, contact.name, contact.addressedAs ?? "", contact.honorific ?? "", contact.kind.rawValue,
            contact.country ?? "", contact.city ?? "", contact.language ?? "", contact.organization ?? "",
            links.unsubscribe(contactID: contactID, campaignID: campaignID),
            template.source.purpose == .consentRequest ? links.confirm(contactID: contactID, campaignID: campaignID) : "",
            rsvp.isEmpty ? "" : rsvp + "yes", rsvp.isEmpty ? "" : rsvp + "no",
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
            "lang": language,
        ]
        // Only a consent request carries a confirmation link: templates test for it.
        if !v(.confirmURL).isEmpty { context["confirm_url"] = v(.confirmURL) }
        if let fields = eventFields[language] {
            context["event"] = fields
            context["rsvp_yes_url"] = v(.rsvpYesURL)
            context["rsvp_no_url"] = v(.rsvpNoURL)
        }
        return context
    }

    /// A text rendered once with a marker in place of each personal field, cut at the markers.
    public struct Prepared: Sendable {
        /// The literal text between markers, and which field each marker stands for.
        public struct Pieces: Sendable {
            var literals: [String]
            var fields: [Int]
            /// The text with `values[field]` in place of each marker (HTML-escaped when `html`).
            public func fill(_ values: [String], html: Bool) -> String {
                var out = literals[0]
                for (i, field) in fields.enumerated() {
                    out += html ? Prepared.escape(values[field]) : values[field]
                    out += literals[i + 1]
                }
                return out
            }
        }
        var subject: Pieces
        var text: Pieces
        var html: Pieces

        static let open: Unicode.Scalar = "\u{E000}", close: Unicode.Scalar = "\u{E001}"
        /// The marker standing for field number `field` (private-use characters, untouched by escaping).
        public static func marker(_ field: Int) -> String {
            String(String.UnicodeScalarView([open, Unicode.Scalar(0xE100 + UInt32(field))!, close]))
        }

        /// Cuts a text rendered with markers into pieces.
        public static func cut(_ rendered: String) -> Pieces {
            var literals: [String] = []
            var fields: [Int] = []
            var current = String.UnicodeScalarView()
            var scalars = rendered.unicodeScalars.makeIterator()
            while let s = scalars.next() {
                if s == open, let f = scalars.next(), scalars.next() == close {
                    literals.append(String(current)); current = .init()
                    fields.append(Int(f.value) - 0xE100)
                } else {
                    current.append(s)
                }
            }
            literals.append(String(current))
            return Pieces(literals: literals, fields: fields)
        }

        /// The escaping swift-mustache applies to `{{value}}` in HTML.
        static func escape(_ text: String) -> String {
            guard text.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
            var out = ""
            for c in text {
                switch c {
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "&": out += "&amp;"
                case "\"": out += "&quot;"
                case "'": out += "&#39;"
                default: out.append(c)
                }
            }
            return out
        }
    }

    /// A prepared text as a quoted-printable body, encoded once: each literal piece is encoded on
    /// its own and ends with a soft line break, so it starts and ends at the start of a line
    /// whatever the personal fields around it are; per message only the fields are encoded.
    /// Decoded, it is exactly the filled text (soft line breaks are not part of the text).
    struct EncodedPart: Sendable {
        /// Which personal field goes between literal `i` and `i + 1`.
        let fields: [Int]
        /// The encoded literals; the last one ends the body (with CRLF), unless it is empty and
        /// the last field ends it instead.
        let literals: [[UInt8]]
        let endsWithField: Bool
        let literalBytes: Int
        let literalNonASCII: Int
        let encodedLiteralBytes: Int

        init(_ pieces: Prepared.Pieces) {
            fields = pieces.fields
            endsWithField = !pieces.fields.isEmpty && pieces.literals.last?.isEmpty == true
            let last = pieces.literals.count - 1
            literals = pieces.literals.enumerated().map { i, literal in
                var out: [UInt8] = []
                if i < last || !literal.isEmpty || pieces.fields.isEmpty {
                    QuotedPrintable.encode(literal, into: &out, final: i == last)
                }
                return out
            }
            encodedLiteralBytes = literals.reduce(0) { $0 + $1.count }
            literalBytes = pieces.literals.reduce(0) { $0 + $1.utf8.count }
            literalNonASCII = pieces.literals.reduce(0) { n, literal in n + literal.utf8.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) } }
        }

        /// The body for `values` (escaped for HTML when `html`), or nil when base64 would be the
        /// smaller encoding of the filled text (the same choice as for any text part).
        func quotedPrintable(_ values: [String], html: Bool) -> [UInt8]? {
            let fields = fields.map { html ? Prepared.escape(values[$0]) : values[$0] }
            var bytes = literalBytes, nonASCII = literalNonASCII
            for field in fields {
                bytes += field.utf8.count
                nonASCII += field.utf8.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
            }
            guard TextTransferEncoding.choose(nonASCII: nonASCII, of: bytes) == .quotedPrintable else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(encodedLiteralBytes + (bytes - literalBytes) * 3 / 2 + 64)
            out.append(contentsOf: literals[0])
            for (i, field) in fields.enumerated() {
                QuotedPrintable.encode(field, into: &out, final: endsWithField && i == fields.count - 1)
                out.append(contentsOf: literals[i + 1])
            }
            return out
        }
    }

    /// Whether a language's texts can be rendered once and filled per recipient: no section,
    /// inverted section or transform depends on a personal field, and no attribute is used.
    static func canPrepare(_ t: InvitationTemplate.Texts) -> Bool {
        // (The standard library's searches: Foundation's would fold every character of the
        // templates, tens of milliseconds per campaign.)
        let all = [t.subject, t.html, t.text, t.headerHTML, t.footerHTML, t.headerText, t.footerText].joined()
        let personal = ["contact", "salutation", "unsubscribe_url", "rsvp_yes_url", "rsvp_no_url"]
        for p in personal {
            for opening in ["{{#", "{{^", "{{# ", "{{^ "] where all.firstRange(of: opening + p) != nil { return false }
        }
        // A transform is `{{name(…)}}`: a "(" after "{{" and before the next "}".
        let tags = all.split(separator: "{{", omittingEmptySubsequences: false).dropFirst()
        let transform = tags.contains { tag in tag.prefix { $0 != "}" }.contains(Character("(")) }
        return all.firstRange(of: "attributes") == nil && !transform
    }

    /// Stable per campaign and contact, and reveals neither.
    func uid(_ contactID: Int64) -> String {
        "\(Hex.string(SHA256.hash(data: Data("\(slug)|\(contactID)".utf8)).prefix(12)))@\(sender.domain)"
    }

    /// The event's merge fields in `language`, from its schedule (no locale data is loaded unless
    /// the schedule lacks `language`).
    public static func eventFields(_ event: Event, language: String) -> [String: String] {
        let langs = [language, "en"]
        var schedule = event.resolvedSchedule
        if schedule.startDay[language] == nil, let made = try? event.makeSchedule(languages: [language]) {
            schedule = made
        }
        var fields: [String: String] = [
            "title": Event.text(event.title, langs) ?? "",
            "date": schedule.startDay[language] ?? "",
            "time": "\(schedule.start.clock) – \(schedule.end.clock)",
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
        if let deadline = schedule.rsvpDeadline {
            fields["rsvp_deadline"] = "\(schedule.deadlineDay[language] ?? "") \(deadline.clock)"
        }
        return fields
    }
}
