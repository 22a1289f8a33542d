import Configuration
import Foundation
import OutreachModel
import SystemPackage

extension Settings {
    /// Where the configuration file is looked for when `--config` is not given, in order.
    static let configSearchPath = ["/etc/outreach/outreach.yaml", "Config/outreach.yaml"]

    /// The configuration file to read: `--config`, then `OUTREACH_CONFIG`, then the first of
    /// `configSearchPath` that exists (nil: none, the defaults apply). A file named explicitly
    /// must exist.
    static func configFile(path: String?, environment: [String: String]) throws -> String? {
        if let named = path ?? environment["OUTREACH_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            guard FileManager.default.fileExists(atPath: named) else {
                throw Failure(key: path != nil ? "--config" : "OUTREACH_CONFIG", problem: StaffMessage("config.no_file", ["path": named]))
            }
            return named
        }
        return configSearchPath.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The keys that name files: relative in a config file, they are relative to that file.
    static let pathKeys = ["database.path", "templates.path", "links.secret_file", "smtp.password_file", "smtp.ca_file",
                           "dkim.key_file", "dkim.ed25519_key_file", "bounces.password_file", "staff.password_file"]

    /// Reads the configuration file (`configFile`) under the environment. Relative paths written
    /// in the file are relative to the file's folder; those from the environment or the defaults,
    /// to the working directory. Templates not configured and not in the working directory are
    /// looked for next to the binary (`../share/outreach/templates`, the packaged layout).
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Settings {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(["OUTREACH_SMTP_PASSWORD", "OUTREACH_BOUNCES_PASSWORD"]))
                .prefixKeys(with: ["outreach"])
        ]
        var fileReader: ConfigReader?
        let found = try configFile(path: path, environment: environment)
        if let failure = ConfigKeys.check(fileText: found.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }, file: found,
                                          environment: environment) {
            throw failure
        }
        if let file = found {
            let yaml: FileProvider<YAMLSnapshot>
            do { yaml = try await FileProvider<YAMLSnapshot>(filePath: FilePath(file)) } catch {
                throw Failure(key: "--config", problem: StaffMessage("config.not_yaml", ["file": file, "error": "\(error)"]))
            }
            for (key, variable) in [("smtp.password", "OUTREACH_SMTP_PASSWORD"), ("bounces.password", "OUTREACH_BOUNCES_PASSWORD")]
            where (try? yaml.value(forKey: AbsoluteConfigKey(ConfigKey(key)), type: .string).value) != nil {
                throw Failure(key: key, problem: StaffMessage("config.secret_in_file", ["file": file, "variable": variable, "key": key]))
            }
            providers.append(yaml)
            fileReader = ConfigReader(provider: yaml)
        }
        let folder = found.map { URL(fileURLWithPath: $0).deletingLastPathComponent().standardizedFileURL.path }
        var settings = try Settings(reader: ConfigReader(providers: providers)) { key, value in
            guard Settings.pathKeys.contains(key), !value.hasPrefix("/"), let folder, let fileReader,
                  environment["OUTREACH_" + key.uppercased().replacingOccurrences(of: ".", with: "_")] == nil,
                  fileReader.string(forKey: ConfigKey(key)) != nil else { return value }
            return folder + "/" + value
        }
        settings.configFile = found.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let file = found, let text = try? String(contentsOfFile: file, encoding: .utf8),
           let topics = try Topic.fromConfiguration(text, file: file) {
            settings.topics = topics
        }
        if fileReader?.string(forKey: "templates.path") == nil, environment["OUTREACH_TEMPLATES_PATH"] == nil,
           !FileManager.default.fileExists(atPath: settings.templatesPath) {
            let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            let packaged = binary.appendingPathComponent("../share/outreach/templates").standardizedFileURL.path
            if FileManager.default.fileExists(atPath: packaged) { settings.templatesPath = packaged }
        }
        return settings
    }

    /// The settings `config` gives, each checked; a bad value is an error naming its key.
    /// `resolve(key, value)` turns a path value into the path to use.
    init(reader config: ConfigReader, resolve: (String, String) -> String = { $1 }) throws {
        func string(_ key: String, _ fallback: String) -> String { config.string(forKey: ConfigKey(key), default: fallback) }
        func optional(_ key: String) -> String? { config.string(forKey: ConfigKey(key)).flatMap { $0.isEmpty ? nil : $0 } }
        func path(_ key: String, _ fallback: String) -> String { config.string(forKey: ConfigKey(key)).map { resolve(key, $0) } ?? fallback }
        func optionalPath(_ key: String) -> String? { optional(key).map { resolve(key, $0) } }
        func number(_ key: String, _ fallback: Double) throws -> Double {
            guard let text = config.string(forKey: ConfigKey(key)) else { return fallback }
            guard let v = Double(text), v >= 0 else { throw Failure(key: key, problem: StaffMessage("config.not_number", ["text": text])) }
            return v
        }
        func duration(_ key: String, _ fallback: Duration) throws -> Duration {
            guard let text = config.string(forKey: ConfigKey(key)) else { return fallback }
            guard let d = Settings.parseDuration(text) else { throw Failure(key: key, problem: StaffMessage("config.not_duration", ["text": text])) }
            return d
        }
        self.init()
        databasePath = path("database.path", databasePath)
        templatesPath = path("templates.path", templatesPath)
        smtpURL = string("smtp.url", smtpURL)
        guard !relays.isEmpty else { throw Failure(key: "smtp.url", problem: StaffMessage("config.no_relay")) }
        for relay in relays where !(relay.hasPrefix("smtp://") || relay.hasPrefix("smtps://")) {
            throw Failure(key: "smtp.url", problem: StaffMessage("config.relay_scheme", ["relay": relay]))
        }
        smtpCAFile = optionalPath("smtp.ca_file")
        if let file = smtpCAFile, !FileManager.default.isReadableFile(atPath: file) {
            throw Failure(key: "smtp.ca_file", problem: StaffMessage("config.cannot_read", ["file": file]))
        }
        smtpUsername = optional("smtp.username")
        func secret(_ key: String) throws -> String? {
            if let value = config.string(forKey: ConfigKey(key), isSecret: true) { return value }
            guard let file = optionalPath(key + "_file") else { return nil }
            return try SecretFile.read(file, key: key + "_file")
        }
        smtpPassword = try secret("smtp.password")
        smtpEHLO = string("smtp.ehlo", smtpEHLO)
        smtpTimeout = try number("smtp.timeout", smtpTimeout)
        senderFrom = string("sender.from", senderFrom)
        guard (try? EmailAddress(senderFrom)) != nil else { throw Failure(key: "sender.from", problem: StaffMessage("config.not_email", ["text": senderFrom])) }
        senderName = string("sender.name", senderName)
        senderReplyTo = optional("sender.reply_to")
        if let r = senderReplyTo, (try? EmailAddress(r)) == nil { throw Failure(key: "sender.reply_to", problem: StaffMessage("config.not_email", ["text": r])) }
        httpBind = string("http.bind", httpBind)
        httpBaseURL = string("http.base_url", httpBaseURL)
        while httpBaseURL.hasSuffix("/") { httpBaseURL.removeLast() }
        guard httpBaseURL.hasPrefix("https://") || httpBaseURL.hasPrefix("http://") else {
            throw Failure(key: "http.base_url", problem: StaffMessage("config.not_http_url", ["text": httpBaseURL]))
        }
        httpReadTimeout = try duration("http.read_timeout", httpReadTimeout)
        httpIdleTimeout = try duration("http.idle_timeout", httpIdleTimeout)
        for (key, value) in [("http.read_timeout", httpReadTimeout), ("http.idle_timeout", httpIdleTimeout)] where value <= .zero {
            throw Failure(key: key, problem: StaffMessage("config.not_positive"))
        }
        httpMaxConnections = Int(try number("http.max_connections", Double(httpMaxConnections)))
        guard httpMaxConnections >= 1 else { throw Failure(key: "http.max_connections", problem: StaffMessage("config.at_least_one")) }
        linksSecretFile = path("links.secret_file", linksSecretFile)
        confirmMaxAge = try duration("links.confirm_max_age", confirmMaxAge)
        guard confirmMaxAge > .zero else { throw Failure(key: "links.confirm_max_age", problem: StaffMessage("config.not_positive")) }
        deliveryWorkers = Int(try number("delivery.workers", Double(deliveryWorkers)))
        guard (1...64).contains(deliveryWorkers) else { throw Failure(key: "delivery.workers", problem: StaffMessage("config.workers_range")) }
        ratePerSecond = try number("delivery.rate_per_second", ratePerSecond)
        perDomainPerMinute = try number("delivery.per_domain_per_minute", perDomainPerMinute)
        maxConnections = Int(try number("delivery.max_connections", Double(deliveryWorkers)))
        guard maxConnections >= 1 else { throw Failure(key: "delivery.max_connections", problem: StaffMessage("config.at_least_one")) }
        maxAge = try duration("delivery.max_age", maxAge)
        relayCooldown = try duration("delivery.relay_cooldown", relayCooldown)
        if let text = config.string(forKey: "delivery.retry_schedule") {
            let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let steps = parts.compactMap(Settings.parseDuration)
            guard !steps.isEmpty, steps.count == parts.count else {
                throw Failure(key: "delivery.retry_schedule", problem: StaffMessage("config.not_duration_list", ["text": text]))
            }
            retrySchedule = steps
        }
        dkimDomain = optional("dkim.domain")
        dkimSelector = optional("dkim.selector")
        dkimKeyFile = optionalPath("dkim.key_file")
        dkimEd25519Selector = optional("dkim.ed25519_selector")
        dkimEd25519KeyFile = optionalPath("dkim.ed25519_key_file")
        try checkDKIM()
        bouncesAddress = optional("bounces.address")
        if let a = bouncesAddress {
            guard let address = try? EmailAddress(a), !address.value.contains("+") else {
                throw Failure(key: "bounces.address", problem: StaffMessage("config.bounce_address", ["text": a]))
            }
        }
        bouncesMailboxURL = optional("bounces.mailbox_url")
        if bouncesMailboxURL != nil, bouncesAddress == nil {
            throw Failure(key: "bounces.mailbox_url", problem: StaffMessage("config.mailbox_needs_address"))
        }
        bouncesUsername = optional("bounces.username")
        bouncesPassword = try secret("bounces.password")
        bouncesPollInterval = try duration("bounces.poll_interval", bouncesPollInterval)
        guard bouncesPollInterval > .zero else { throw Failure(key: "bounces.poll_interval", problem: StaffMessage("config.not_positive")) }
        bouncesHandledFolder = optional("bounces.handled_folder")
        if let text = optional("campaigns.require_approval") {
            switch text.lowercased() {
            case "true", "yes", "on", "1": requireApproval = true
            case "false", "no", "off", "0": requireApproval = false
            default: throw Failure(key: "campaigns.require_approval", problem: StaffMessage("config.not_boolean", ["text": text]))
            }
        }
        if let text = optional("ui.language") {
            guard let language = StaffLanguage(setting: text) else { throw Failure(key: "ui.language", problem: StaffMessage("config.unknown_language", ["text": text])) }
            uiLanguage = language
        }
        if let text = optional("office.time_zone") {
            guard let zone = TimeZone(identifier: text) else { throw Failure(key: "office.time_zone", problem: StaffMessage("config.unknown_time_zone", ["text": text])) }
            officeTimeZone = zone
        }
        staffBind = string("staff.bind", staffBind)
        if let file = optional("staff.password_file").map({ resolve("staff.password_file", $0) }) {
            staffPasswordHash = try SecretFile.read(file, key: "staff.password_file").trimmingCharacters(in: .whitespacesAndNewlines)
        }
        signupDifficulty = Int(try number("signup.difficulty", Double(signupDifficulty)))
        guard (1...100_000_000).contains(signupDifficulty) else {
            throw Failure(key: "signup.difficulty", problem: StaffMessage("config.signup_difficulty_range"))
        }
        signupPerIPPerHour = Int(try number("signup.per_ip_per_hour", Double(signupPerIPPerHour)))
        guard signupPerIPPerHour >= 1 else { throw Failure(key: "signup.per_ip_per_hour", problem: StaffMessage("config.at_least_one")) }
        let offerHours = try number("waitlist.offer_hours", 48)
        guard offerHours > 0, offerHours <= 24 * 365 else { throw Failure(key: "waitlist.offer_hours", problem: StaffMessage("config.waitlist_offer_hours")) }
        waitlistOfferDuration = .milliseconds(Int64(offerHours * 3_600_000))
    }
}
