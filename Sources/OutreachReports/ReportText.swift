import OutreachModel

/// The report's and the staff pages' words, from the staff catalog (`report.*` keys of
/// `StaffText.en` / `StaffText.vi`).
public struct ReportText: Sendable {
    public let language: StaffLanguage

    public init(_ language: StaffLanguage) { self.language = language }

    public subscript(_ key: Key) -> String { StaffText.say("report." + key.name, in: language) }

    /// A text of the catalog, by its name under `report.`.
    public struct Key: Sendable {
        let name: String
        init(_ name: String) { self.name = name }
    }

    /// A campaign status, outbox state, bounce or contact kind in words (the key itself when unknown).
    public func state(_ key: String) -> String {
        let text = StaffText.say("report.word." + key, in: language)
        return text.hasPrefix("[") ? key : text
    }
}

extension ReportText.Key {
    public static let reportTitle = Self("report_title")
    public static let periodTitle = Self("period_title")
    public static let generated = Self("generated")
    public static let event = Self("event")
    public static let starts = Self("starts")
    public static let venue = Self("venue")
    public static let status = Self("status")
    public static let schedule = Self("schedule")
    public static let launched = Self("launched")
    public static let progress = Self("progress")
    public static let campaign = Self("campaign")
    public static let campaigns = Self("campaigns")
    public static let total = Self("total")
    public static let audience = Self("audience")
    public static let byLanguage = Self("by_language")
    public static let byCountry = Self("by_country")
    public static let byKind = Self("by_kind")
    public static let delivery = Self("delivery")
    public static let deliveryStates = Self("delivery_states")
    public static let deliveryOverTime = Self("delivery_over_time")
    public static let hour = Self("hour")
    public static let day = Self("day")
    public static let count = Self("count")
    public static let bounces = Self("bounces")
    public static let noBounces = Self("no_bounces")
    public static let optOuts = Self("opt_outs")
    public static let unsubscribed = Self("unsubscribed")
    public static let complained = Self("complained")
    public static let rsvps = Self("rsvps")
    public static let rsvpsOverTime = Self("rsvps_over_time")
    public static let yes = Self("yes")
    public static let no = Self("no")
    public static let none = Self("none")
    public static let guests = Self("guests")
    public static let nothingYet = Self("nothing_yet")
    public static let unknown = Self("unknown")
    public static let printHint = Self("print_hint")
    public static let staffTitle = Self("staff_title")
    public static let live = Self("live")
    public static let bouncesPage = Self("bounces_page")
    public static let auditPage = Self("audit_page")
    public static let auditMissing = Self("audit_missing")
    public static let received = Self("received")
    public static let auditWhen = Self("audit_when")
    public static let auditWho = Self("audit_who")
    public static let auditCommand = Self("audit_command")
    public static let auditArguments = Self("audit_arguments")
    public static let contact = Self("contact")
    public static let kind = Self("kind")
    public static let diagnostic = Self("diagnostic")
    public static let outcome = Self("outcome")
    public static let home = Self("home")
    public static let reason = Self("reason")
}
