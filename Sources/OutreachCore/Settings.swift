import Configuration
import Foundation
import SystemPackage

/// Everything Outreach reads from `Config/outreach.yaml`, overridden key by key by environment
/// variables `OUTREACH_<KEY>` (`smtp.url` → `OUTREACH_SMTP_URL`). Secrets (the SMTP password)
/// come from the environment or a file, never from the YAML.
public struct Settings: Sendable {
    public var databasePath = "data/outreach.sqlite"
    public var templatesPath = "Templates"
    public var smtpURL = "smtp://127.0.0.1:2525"
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
    public var linksSecretFile = "data/link-secret"
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
    /// Without either key file, messages go unsigned (see `Settings+DKIM.swift`).
    public var dkimEd25519Selector: String?
    public var dkimEd25519KeyFile: String?

    public init() {}

    /// A configuration value that cannot be used, named by its key.
    public struct Failure: Error, CustomStringConvertible {
        public let key: String
        public let problem: String
        public init(key: String, problem: String) { self.key = key; self.problem = problem }
        public var description: String { "configuration \(key): \(problem)" }
    }

    /// Reads the YAML at `path` (nil: `Config/outreach.yaml` if present) under the environment.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Settings {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(["OUTREACH_SMTP_PASSWORD"]))
                .prefixKeys(with: ["outreach"])
        ]
        let file = path ?? "Config/outreach.yaml"
        if path != nil || FileManager.default.fileExists(atPath: file) {
            guard FileManager.default.fileExists(atPath: file) else { throw Failure(key: "--config", problem: "no file at \(file)") }
            let yaml: FileProvider<YAMLSnapshot>
            do { yaml = try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)) } catch {
                throw Failure(key: "--config", problem: "\(file) is not valid YAML: \(error)")
            }
            if (try? yaml.value(forKey: "smtp.password", type: .string).value) != nil {
                throw Failure(key: "smtp.password", problem: "secrets never go in \(file); set OUTREACH_SMTP_PASSWORD or smtp.password_file")
            }
            providers.append(yaml)
        }
        return try Settings(reader: ConfigReader(providers: providers))
    }

    init(reader config: ConfigReader) throws {
        func string(_ key: String, _ fallback: String) -> String { config.string(forKey: ConfigKey(key), default: fallback) }
        func optional(_ key: String) -> String? { config.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let text = config.string(forKey: ConfigKey(key)) else { return fallback }
            guard let v = Double(text), v >= 0 else { throw Failure(key: key, problem: "\"\(text)\" is not a non-negative number") }
            return v
        }
        func duration(_ key: String, _ fallback: Duration) throws -> Duration {
            guard let text = config.string(forKey: ConfigKey(key)) else { return fallback }
            guard let d = Settings.parseDuration(text) else { throw Failure(key: key, problem: "\"\(text)\" is not a duration like 90s, 5m, 1h or 3d") }
            return d
        }
        databasePath = string("database.path", databasePath)
        templatesPath = string("templates.path", templatesPath)
        smtpURL = string("smtp.url", smtpURL)
        guard smtpURL.hasPrefix("smtp://") || smtpURL.hasPrefix("smtps://") else {
            throw Failure(key: "smtp.url", problem: "\"\(smtpURL)\" must start with smtp:// or smtps://")
        }
        smtpUsername = optional("smtp.username")
        smtpPassword = config.string(forKey: "smtp.password", isSecret: true)
        if smtpPassword == nil, let file = optional("smtp.password_file") {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Failure(key: "smtp.password_file", problem: "cannot read \(file)")
            }
            smtpPassword = text.trimmingCharacters(in: .newlines)
        }
        smtpEHLO = string("smtp.ehlo", smtpEHLO)
        smtpTimeout = try number("smtp.timeout", smtpTimeout)
        senderFrom = string("sender.from", senderFrom)
        guard (try? EmailAddress(senderFrom)) != nil else { throw Failure(key: "sender.from", problem: "\"\(senderFrom)\" is not an email address") }
        senderName = string("sender.name", senderName)
        senderReplyTo = optional("sender.reply_to")
        if let r = senderReplyTo, (try? EmailAddress(r)) == nil { throw Failure(key: "sender.reply_to", problem: "\"\(r)\" is not an email address") }
        httpBind = string("http.bind", httpBind)
        httpBaseURL = string("http.base_url", httpBaseURL)
        while httpBaseURL.hasSuffix("/") { httpBaseURL.removeLast() }
        guard httpBaseURL.hasPrefix("https://") || httpBaseURL.hasPrefix("http://") else {
            throw Failure(key: "http.base_url", problem: "\"\(httpBaseURL)\" must be an http(s) URL")
        }
        linksSecretFile = string("links.secret_file", linksSecretFile)
        deliveryWorkers = Int(try number("delivery.workers", Double(deliveryWorkers)))
        guard (1...64).contains(deliveryWorkers) else { throw Failure(key: "delivery.workers", problem: "must be between 1 and 64") }
        ratePerSecond = try number("delivery.rate_per_second", ratePerSecond)
        perDomainPerMinute = try number("delivery.per_domain_per_minute", perDomainPerMinute)
        maxConnections = Int(try number("delivery.max_connections", Double(deliveryWorkers)))
        guard maxConnections >= 1 else { throw Failure(key: "delivery.max_connections", problem: "must be at least 1") }
        maxAge = try duration("delivery.max_age", maxAge)
        relayCooldown = try duration("delivery.relay_cooldown", relayCooldown)
        if let text = config.string(forKey: "delivery.retry_schedule") {
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let steps = parts.compactMap(Settings.parseDuration)
            guard !steps.isEmpty, steps.count == parts.count else {
                throw Failure(key: "delivery.retry_schedule", problem: "\"\(text)\" is not a comma-separated list of durations like 1m,5m,15m,1h")
            }
            retrySchedule = steps
        }
        dkimDomain = optional("dkim.domain")
        dkimSelector = optional("dkim.selector")
        dkimKeyFile = optional("dkim.key_file")
        dkimEd25519Selector = optional("dkim.ed25519_selector")
        dkimEd25519KeyFile = optional("dkim.ed25519_key_file")
        try checkDKIM()
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

extension Settings {
    /// The sender of every message.
    public var sender: Sender { Sender(name: senderName, address: senderFrom, replyTo: senderReplyTo) }

    /// The link builder (reads, or creates, the secret file).
    public func links() throws -> Links {
        Links(baseURL: httpBaseURL, signer: try LinkSigner.load(secretFile: linksSecretFile))
    }
}
