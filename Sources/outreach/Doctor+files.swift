import Foundation
import OutreachModel
import OutreachRegister

extension Doctor {
    /// A secret or key file: present, not readable by group or others, and not too short.
    static func secretFile(_ path: String, minimumBytes: Int) -> DoctorCheck.Finding {
        let fm = FileManager.default
        guard let attributes = try? fm.attributesOfItem(atPath: path) else {
            return .wrong("\(path) does not exist", fix: "create it (mode 0600), or correct the key naming it")
        }
        let mode = (attributes[.posixPermissions] as? Int) ?? 0
        guard mode & 0o077 == 0 else {
            return .wrong("\(path) has mode \(String(mode, radix: 8)): readable by others", fix: "chmod 600 \(path)")
        }
        guard let data = fm.contents(atPath: path) else { return .wrong("cannot read \(path)", fix: "check its owner") }
        let length = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).utf8.count
        guard length >= minimumBytes else {
            return .wrong("\(path) holds \(length) bytes; at least \(minimumBytes) expected", fix: "put the full secret in it")
        }
        return .ok("\(path): mode \(String(mode, radix: 8)), \(length) bytes")
    }

    static func linkSecret(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "link secret") {
            let path = settings.linksSecretFile
            if !FileManager.default.fileExists(atPath: path) {
                let folder = (path as NSString).deletingLastPathComponent
                let parent = folder.isEmpty ? "." : folder
                if FileManager.default.isWritableFile(atPath: parent) || !FileManager.default.fileExists(atPath: parent) {
                    return .ok("\(path) not created yet: the first command creates it with mode 0600")
                }
                return .wrong("\(path) does not exist and \(parent) is not writable", fix: "set links.secret_file to a writable place")
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
            return DoctorCheck(name: key) { secretFile(path, minimumBytes: minimum) }
        }
    }

    static func database(_ settings: Settings) -> DoctorCheck {
        DoctorCheck(name: "database") {
            let path = settings.databasePath
            guard FileManager.default.fileExists(atPath: path) else {
                return .ok("\(path) not created yet: the first command creates it")
            }
            let health: DatabaseHealth
            do { health = try Register.health(path: path) } catch {
                return .wrong("\(path): \(error)", fix: "check the path (database.path) and the file's owner")
            }
            guard health.integrity == ["ok"] else {
                return .wrong("\(path): integrity check says \(health.integrity.prefix(3).joined(separator: "; "))",
                              fix: "stop the daemon and restore the last backup")
            }
            guard health.unknownMigrations.isEmpty else {
                return .wrong("\(path) has migrations this version does not know: \(health.unknownMigrations.joined(separator: ", "))",
                              fix: "run the newer outreach that made it")
            }
            guard health.mode & 0o077 == 0 else {
                return .wrong("\(path) has mode \(String(health.mode, radix: 8))", fix: "chmod 600 \(path)")
            }
            guard health.pendingMigrations.isEmpty else {
                return .wrong("\(path) lacks migrations \(health.pendingMigrations.joined(separator: ", "))",
                              fix: "run any command (outreach campaign list) once to apply them, with the daemon stopped")
            }
            return .ok("\(path): integrity ok, all \(Register.migrationNames.count) migrations applied")
        }
    }

    /// A relay answers on its port with an SMTP `220` greeting (plain TCP, like a mail server's
    /// first probe; STARTTLS, the certificate and AUTH are for the transport's own checks).
    static func relay(_ url: String, timeout: Double) -> DoctorCheck {
        DoctorCheck(name: "relay \(url)") {
            guard let (scheme, host, port) = ServerGreeting.endpoint(url) else {
                return .wrong("\"\(url)\" is not smtp://host[:port] or smtps://host[:port]", fix: "correct smtp.url")
            }
            let line: String
            do { line = try ServerGreeting.read(host: host, port: port, timeout: timeout, goodbye: scheme == "smtp" ? "QUIT\r\n" : nil) } catch {
                return .wrong("\(error)", fix: "start the relay or correct smtp.url; check the firewall")
            }
            if scheme == "smtps" { return .ok("\(host):\(port) accepts connections (TLS from the start)") }
            guard line.hasPrefix("220") else {
                return .wrong("\(host):\(port) greeted with \"\(line.prefix(120))\", not 220", fix: "the relay refuses us: see its log")
            }
            return .ok("\(host):\(port) greets: \(line.prefix(120))")
        }
    }
}
