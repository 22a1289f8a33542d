import Foundation
import OutreachModel
import OutreachRegister

extension Doctor {
    /// A secret or key file: present, not readable by group or others, and not too short.
    static func secretFile(_ path: String, minimumBytes: Int) -> DoctorCheck.Finding {
        let fm = FileManager.default
        guard let attributes = try? fm.attributesOfItem(atPath: path) else {
            return .wrong(StaffText.say("doctor.secret.missing", ["path": path]), fix: StaffText.say("doctor.secret.missing_fix"))
        }
        let mode = (attributes[.posixPermissions] as? Int) ?? 0
        guard mode & 0o077 == 0 else {
            return .wrong(StaffText.say("doctor.secret.too_open", ["path": path, "mode": String(mode, radix: 8)]), fix: StaffText.say("doctor.chmod_fix", ["path": path]))
        }
        guard let data = fm.contents(atPath: path) else { return .wrong(StaffText.say("doctor.secret.unreadable", ["path": path]), fix: StaffText.say("doctor.secret.unreadable_fix")) }
        let length = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8.count
        guard length >= minimumBytes else {
            return .wrong(StaffText.say("doctor.secret.short", ["path": path, "length": length, "minimum": minimumBytes]), fix: StaffText.say("doctor.secret.short_fix"))
        }
        return .ok(StaffText.say("doctor.secret.ok", ["path": path, "mode": String(mode, radix: 8), "length": length]))
    }

    static func linkSecret(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.link_secret")) {
            let path = settings.linksSecretFile
            if !FileManager.default.fileExists(atPath: path) {
                let folder = (path as NSString).deletingLastPathComponent
                let parent = folder.isEmpty ? "." : folder
                if FileManager.default.isWritableFile(atPath: parent) || !FileManager.default.fileExists(atPath: parent) {
                    return .ok(StaffText.say("doctor.link_secret.not_yet", ["path": path]))
                }
                return .wrong(StaffText.say("doctor.link_secret.unwritable", ["path": path, "parent": parent]), fix: StaffText.say("doctor.link_secret.unwritable_fix"))
            }
            // 32 characters at least: a base64 secret of 192 bits or more (ours are 256).
            let found = secretFile(path, minimumBytes: 32)
            guard found.ok else { return found }
            return .ok(found.detail)
        }
    }

    /// Key files the configuration names besides the link secret (SMTP password, DKIM keys, the
    /// bounce mailbox's password), from the file or the environment, relative to the config file.
    static func secretFiles(_ settings: Settings, environment: [String: String]) -> [DoctorCheck] {
        var values: [String: String] = [:]
        if let file = settings.configFile, let text = try? String(contentsOfFile: file, encoding: .utf8) {
            let folder = (file as NSString).deletingLastPathComponent
            for entry in ConfigKeys.read(text) where !entry.value.isEmpty {
                values[entry.key] = entry.value.hasPrefix("/") ? entry.value : folder + "/" + entry.value
            }
        }
        let keys = [("smtp.password_file", 1), ("dkim.key_file", 100), ("dkim.ed25519_key_file", 40), ("bounces.password_file", 1)]
        return keys.compactMap { key, minimum in
            let variable = "OUTREACH_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
            guard let path = environment[variable].flatMap({ $0.isEmpty ? nil : $0 }) ?? values[key] else { return nil }
            return DoctorCheck(name: StaffMessage("doctor.check.key", ["key": key])) { secretFile(path, minimumBytes: minimum) }
        }
    }

    static func database(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.database")) {
            let path = settings.databasePath
            guard FileManager.default.fileExists(atPath: path) else {
                return .ok(StaffText.say("doctor.database.not_yet", ["path": path]))
            }
            let health: DatabaseHealth
            do { health = try Register.health(path: path) } catch {
                return .wrong(StaffText.say("doctor.database.error", ["path": path, "error": error]), fix: StaffText.say("doctor.database.error_fix"))
            }
            guard health.integrity == ["ok"] else {
                return .wrong(StaffText.say("doctor.database.integrity", ["path": path, "integrity": health.integrity.prefix(3).joined(separator: "; ")]),
                              fix: StaffText.say("doctor.database.integrity_fix"))
            }
            guard health.unknownMigrations.isEmpty else {
                return .wrong(StaffText.say("doctor.database.unknown_migrations", ["path": path, "migrations": health.unknownMigrations.joined(separator: ", ")]),
                              fix: StaffText.say("doctor.database.unknown_migrations_fix"))
            }
            guard health.mode & 0o077 == 0 else {
                return .wrong(StaffText.say("doctor.database.mode", ["path": path, "mode": String(health.mode, radix: 8)]), fix: StaffText.say("doctor.chmod_fix", ["path": path]))
            }
            guard health.pendingMigrations.isEmpty else {
                return .wrong(StaffText.say("doctor.database.pending", ["path": path, "migrations": health.pendingMigrations.joined(separator: ", ")]),
                              fix: StaffText.say("doctor.database.pending_fix"))
            }
            return .ok(StaffText.say("doctor.database.ok", ["path": path, "count": Register.migrationNames.count]))
        }
    }

    /// A relay answers on its port with an SMTP `220` greeting (plain TCP, like a mail server's
    /// first probe; STARTTLS, the certificate and AUTH are for the transport's own checks).
    static func relay(_ url: String, timeout: Double) -> DoctorCheck {
        DoctorCheck(name: StaffMessage("doctor.check.relay", ["url": url])) {
            guard let (scheme, host, port) = ServerGreeting.endpoint(url) else {
                return .wrong(StaffText.say("doctor.relay.bad_url", ["url": url]), fix: StaffText.say("doctor.relay.bad_url_fix"))
            }
            let line: String
            do { line = try ServerGreeting.read(host: host, port: port, timeout: timeout, goodbye: scheme == "smtp" ? "QUIT\r\n" : nil) } catch {
                return .wrong(StaffText.say("doctor.error", ["error": error]), fix: StaffText.say("doctor.relay.fix"))
            }
            if scheme == "smtps" { return .ok(StaffText.say("doctor.relay.tls_ok", ["host": host, "port": port])) }
            guard line.hasPrefix("220") else {
                return .wrong(StaffText.say("doctor.relay.bad_greeting", ["host": host, "port": port, "greeting": line.prefix(120)]), fix: StaffText.say("doctor.relay.bad_greeting_fix"))
            }
            return .ok(StaffText.say("doctor.relay.ok", ["host": host, "port": port, "greeting": line.prefix(120)]))
        }
    }
}
