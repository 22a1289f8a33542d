import Configuration
import Foundation
import OutreachModel
import SystemPackage

extension Settings {
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

    /// The settings `config` gives, each checked; a bad value is an error naming its key.
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
        self.init()
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
        httpReadTimeout = try duration("http.read_timeout", httpReadTimeout)
        httpIdleTimeout = try duration("http.idle_timeout", httpIdleTimeout)
        for (key, value) in [("http.read_timeout", httpReadTimeout), ("http.idle_timeout", httpIdleTimeout)] where value <= .zero {
            throw Failure(key: key, problem: "must be longer than 0s")
        }
        httpMaxConnections = Int(try number("http.max_connections", Double(httpMaxConnections)))
        guard httpMaxConnections >= 1 else { throw Failure(key: "http.max_connections", problem: "must be at least 1") }
        linksSecretFile = string("links.secret_file", linksSecretFile)
        confirmMaxAge = try duration("links.confirm_max_age", confirmMaxAge)
        guard confirmMaxAge > .zero else { throw Failure(key: "links.confirm_max_age", problem: "must be longer than 0s") }
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
    }
}
