import Foundation
import OutreachModel

/// A password kept in a file (`smtp.password_file`, `bounces.password_file`): read only when no
/// one but its owner can read it, like the link secret and the DKIM keys.
enum SecretFile {
    /// The file's text without its final newline; `key` names it in errors (never the secret).
    static func read(_ path: String, key: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Settings.Failure(key: key, problem: StaffMessage("config.cannot_read_reason", ["file": path, "reason": String(cString: strerror(errno))])) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Settings.Failure(key: key, problem: StaffMessage("config.cannot_read_reason", ["file": path, "reason": String(cString: strerror(errno))])) }
        if info.st_mode & 0o077 != 0 {
            throw Settings.Failure(key: key, problem: StaffMessage("config.secret_too_open", ["file": path, "mode": String(info.st_mode & 0o777, radix: 8)]))
        }
        let data = (try? FileHandle(fileDescriptor: fd, closeOnDealloc: false).readToEnd()) ?? nil
        guard let text = String(data: data ?? Data(), encoding: .utf8) else {
            throw Settings.Failure(key: key, problem: StaffMessage("config.not_utf8", ["file": path]))
        }
        return text.trimmingCharacters(in: .newlines)
    }
}
