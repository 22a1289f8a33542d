import Foundation
import HummingbirdBcrypt
import NIOPosix
import OutreachModel
import Synchronization

/// Who may read the staff listener: anyone on this machine when `staff.bind` is loopback and no
/// `staff.password_file` is set; otherwise only a client giving the password (HTTP basic auth,
/// any user name) whose bcrypt hash is in that file.
public final class StaffAccess: Sendable {
    /// The bcrypt hash to check passwords against (nil: open, loopback only).
    let passwordHash: String?
    /// `Authorization` values already verified: bcrypt is slow on purpose, and the staff page
    /// asks again every few seconds. Bounded; a new hash (restart) starts empty.
    private let verified = Mutex<Set<String>>([])
    private static let rememberedAtMost = 64

    /// Refuses a bind beyond loopback without a password, and a file that holds no bcrypt hash.
    public init(settings: Settings) throws {
        if let hash = settings.staffPasswordHash {
            guard Self.isBcryptHash(hash) else {
                throw Settings.Failure(key: "staff.password_file",
                                       problem: StaffMessage("staff.not_bcrypt"))
            }
            // `$2y$` (htpasswd's spelling) is the same algorithm as `$2b$`.
            passwordHash = hash.hasPrefix("$2y$") ? "$2b$" + hash.dropFirst(4) : hash
        } else {
            guard try Self.isLoopback(bind: settings.staffBind) else {
                throw Settings.Failure(key: "staff.password_file",
                                       problem: StaffMessage("staff.password_required", ["bind": settings.staffBind]))
            }
            passwordHash = nil
        }
    }

    /// Whether a request with this `Authorization` header may read the staff pages.
    func allows(authorization: String?) async -> Bool {
        guard let passwordHash else { return true }
        guard let authorization, let password = Self.basicPassword(authorization) else { return false }
        if verified.withLock({ $0.contains(authorization) }) { return true }
        // bcrypt takes tens of milliseconds of CPU: off Swift's cooperative pool.
        let good = (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: passwordHash) }) ?? false
        if good {
            verified.withLock {
                if $0.count >= Self.rememberedAtMost { $0.removeAll() }
                $0.insert(authorization)
            }
        }
        return good
    }

    /// The password of a `Basic` credential (`user:password` in base64), whatever the user name.
    static func basicPassword(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
        return String(text[text.index(after: colon)...])
    }

    static func isBcryptHash(_ text: String) -> Bool {
        text.count == 60 && ["$2a$", "$2b$", "$2y$"].contains(where: text.hasPrefix)
    }

    /// Whether `HOST:PORT` listens on this machine only (127.0.0.0/8, ::1, localhost).
    static func isLoopback(bind: String) throws -> Bool {
        let (host, _) = try ListenAddress.parse(bind, key: "staff.bind")
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// `HOST:PORT` of a listener's configuration key.
enum ListenAddress {
    static func parse(_ bind: String, key: String) throws -> (host: String, port: Int) {
        guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]), (0...65_535).contains(port) else {
            throw Settings.Failure(key: key, problem: StaffMessage("config.not_host_port", ["text": bind]))
        }
        return (String(bind[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }
}

extension StaffAccess {
    /// The line to put in `staff.password_file` for `password` (bcrypt, cost 12).
    public static func passwordFileLine(for password: String) -> String {
        Bcrypt.hash(password, cost: 12)
    }
}
