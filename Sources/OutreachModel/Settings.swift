import Foundation

/// Everything Outreach reads from its configuration file, overridden key by key by environment
/// variables `OUTREACH_<KEY>` (`smtp.url` → `OUTREACH_SMTP_URL`). Secrets (the SMTP password)
/// come from the environment or a file, never from the YAML. Plain values: the executable reads
/// them (`Settings.load`, with swift-configuration); every room takes what it needs.
public struct Settings: Sendable {
    public var databasePath = "data/outreach.sqlite"
    public var templatesPath = "Templates"
    /// One relay, or several separated by commas (a pool: see `relays`).
    public var smtpURL = "smtp://127.0.0.1:2525"
    /// A PEM bundle to trust besides the system's (`smtp.ca_file`: a private CA).
    public var smtpCAFile: String?
    public var smtpUsername: String?
    public var smtpPassword: String?
    public var smtpEHLO = "outreach.localhost"
    /// Connect, and per-command server reply, timeout (seconds).
    public var smtpTimeout: Double = 30
    public var senderFrom = "songoaivu@cantho.gov.vn"
    public var senderName = "Sở Ngoại vụ thành phố Cần Thơ"
    public var senderReplyTo: String?
    public var httpBind = "127.0.0.1:8080"
    public var httpBaseURL = "http://localhost:8080"
    /// A request's head and body must arrive within this (`http.read_timeout`).
    public var httpReadTimeout: Duration = .seconds(10)
    /// A keep-alive connection with no request is closed after this (`http.idle_timeout`).
    public var httpIdleTimeout: Duration = .seconds(30)
    /// Open connections at most; past it the one idle longest is closed (`http.max_connections`).
    public var httpMaxConnections = 1000
    public var linksSecretFile = "data/link-secret"
    /// How long a confirm link (double opt-in) stays valid after it was sent (`links.confirm_max_age`).
    public var confirmMaxAge: Duration = .seconds(30 * 86_400)
    public var deliveryWorkers = 4
    public var ratePerSecond: Double = 0
    public var perDomainPerMinute: Double = 0
    public var maxConnections = 4
    public var maxAge: Duration = .seconds(3 * 86_400)
    public var retrySchedule: [Duration] = [.seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(10_800), .seconds(21_600)]
    public var relayCooldown: Duration = .seconds(60)
    /// `dkim.domain`: the signatures' `d=` (default: the domain of `sender.from`).
    public var dkimDomain: String?
    /// `dkim.selector` and `dkim.key_file`: the RSA key and where its public half is published.
    public var dkimSelector: String?
    public var dkimKeyFile: String?
    /// `dkim.ed25519_selector` and `dkim.ed25519_key_file`: the same for the Ed25519 key.
    /// Without either key file, messages go unsigned (`Settings.dkimSigner()`).
    public var dkimEd25519Selector: String?
    public var dkimEd25519KeyFile: String?
    /// `bounces.address`: the VERP base (`bounces@example.org` gives envelope senders
    /// `bounces+TOKEN@example.org`, and the List-Unsubscribe mailto). Nil: the envelope sender is
    /// `sender.from` and no mailbox is read.
    public var bouncesAddress: String?
    /// `bounces.mailbox_url`: where reports to `bounces.address` arrive (`imaps://host/INBOX`, or
    /// `imap://` on loopback only). Nil: no mailbox is read.
    public var bouncesMailboxURL: String?
    public var bouncesUsername: String?
    /// From `bounces.password_file` or `OUTREACH_BOUNCES_PASSWORD`; never from the YAML.
    public var bouncesPassword: String?
    /// How often the mailbox is read (`bounces.poll_interval`).
    public var bouncesPollInterval: Duration = .seconds(60)
    /// `bounces.handled_folder`: where handled messages are moved (nil: deleted once recorded).
    public var bouncesHandledFolder: String?
    /// `campaigns.require_approval`: `launch` waits for `campaign approve` by another user than the creator.
    public var requireApproval = false
    /// `ui.language`: the language staff read (nil: from the locale, `StaffLanguage.fromLocale`).
    public var uiLanguage: StaffLanguage?
    /// `office.time_zone`: every time shown to staff is in it, and `--at` without an offset means it.
    public var officeTimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    /// `staff.bind`: the staff listener (staff pages, check-in, `/metrics`), never the public one.
    public var staffBind = "127.0.0.1:8081"
    /// The bcrypt hash read from `staff.password_file` (nil: no password, allowed on loopback only).
    public var staffPasswordHash: String?
    /// The kinds of events people choose among (`topics`).
    public var topics: [Topic] = Topic.shipped
    /// The sign-up's proof-of-work: the largest number the page may have to try (`signup.difficulty`,
    /// Altcha's `maxnumber`; the page tries half of it on average).
    public var signupDifficulty = 100_000
    /// Sign-up requests one address (IP) may make in an hour (`signup.per_ip_per_hour`).
    public var signupPerIPPerHour = 20
    /// How long a freed seat is held for the waitlisted person offered it (`waitlist.offer_hours`).
    public var waitlistOfferDuration: Duration = .seconds(48 * 3600)
    /// The configuration file these settings were read from (nil: defaults and environment only).
    public var configFile: String?

    public init() {}

    /// The relays of `smtp.url`, in order.
    public var relays: [String] {
        smtpURL.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A configuration value that cannot be used, named by its key.
    public struct Failure: StaffFacingError {
        public let key: String
        public let problem: StaffMessage
        public init(key: String, problem: StaffMessage) { self.key = key; self.problem = problem }
        public var message: StaffMessage { StaffMessage("config.problem", ["key": key, "problem": problem]) }
    }

    /// `90s`, `5m`, `1h`, `3d`, `250ms` or a bare number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, factor) in units where t.hasSuffix(suffix) {
            if let v = Double(t.dropLast(suffix.count)), v >= 0 { return .milliseconds(Int64(v * factor * 1000)) }
        }
        if let v = Double(t), v >= 0 { return .milliseconds(Int64(v * 1000)) }
        return nil
    }
}
