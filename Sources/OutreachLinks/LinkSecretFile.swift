import Crypto
import Foundation
import OutreachModel

/// The installation's link secret on disk (`links.secret_file`). Created once, atomically, with
/// mode 0600 from the start: the secret is written to a private temporary file that is then
/// hard-linked to its name, which fails rather than overwrite, so of processes started together
/// one wins and the others read its secret. A file that others may read or another user owns,
/// a secret shorter than 32 bytes, or one too regular to be random (one byte repeated), is
/// refused with an error that says how to fix it.
public enum LinkSecretFile {
    /// The fewest bytes a secret may have.
    public static let minimumLength = 32
    /// The fewest bits a secret's own letters must carry (their Shannon entropy times its length):
    /// 32 random bytes in base64 carry about 210, `openssl rand -hex 16` about 115, a byte repeated 0.
    public static let minimumEntropyBits = 96.0

    /// Why the secret file cannot be used, in words that say what to do.
    public struct Failure: StaffFacingError {
        public let message: StaffMessage
    }

    /// The secrets in the file at `path` (current first), creating it when it does not exist.
    public static func secrets(at path: String) throws -> [String] {
        if !FileManager.default.fileExists(atPath: path) { try create(path) }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(message: StaffMessage("secret.cannot_read", ["path": path, "reason": String(cString: strerror(errno))])) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(message: StaffMessage("secret.cannot_read", ["path": path, "reason": String(cString: strerror(errno))])) }
        if info.st_uid != geteuid(), info.st_uid != 0 {
            throw Failure(message: StaffMessage("secret.foreign_owner", ["path": path, "uid": info.st_uid, "me": geteuid()]))
        }
        if info.st_mode & 0o077 != 0 {
            throw Failure(message: StaffMessage("secret.too_open", ["path": path, "mode": String(info.st_mode & 0o777, radix: 8)]))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 { if errno == EINTR { continue }; throw Failure(message: StaffMessage("secret.cannot_read", ["path": path, "reason": String(cString: strerror(errno))])) }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let secrets = lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !secrets.isEmpty else {
            throw Failure(message: StaffMessage("secret.empty", ["path": path]))
        }
        for (i, secret) in secrets.enumerated() where secret.utf8.count < minimumLength {
            throw Failure(message: StaffMessage("secret.too_short", ["path": path, "number": i + 1, "bytes": secret.utf8.count,
                                                                "minimum": minimumLength]))
        }
        for (i, secret) in secrets.enumerated() where entropyBits(secret) < minimumEntropyBits {
            throw Failure(message: StaffMessage("secret.too_regular", ["path": path, "number": i + 1,
                                                                  "bits": Int(entropyBits(secret)), "minimum": Int(minimumEntropyBits)]))
        }
        return secrets
    }

    /// The information in `secret` judged by its own bytes: their Shannon entropy times its length.
    static func entropyBits(_ secret: String) -> Double {
        var counts: [UInt8: Int] = [:]
        for byte in secret.utf8 { counts[byte, default: 0] += 1 }
        let n = Double(secret.utf8.count)
        return counts.values.reduce(0) { bits, count in
            let p = Double(count) / n
            return bits - Double(count) * log2(p)
        }
    }

    /// Writes a new random secret under `path` unless a file is there already (then it is kept).
    static func create(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let temporary = (folder.isEmpty ? "." : folder) + "/.link-secret-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(message: StaffMessage("secret.cannot_create", ["path": path, "reason": String(cString: strerror(errno))])) }
        defer { unlink(temporary) }
        let written = Array(secret.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == secret.utf8.count, synced else {
            throw Failure(message: StaffMessage("secret.cannot_write", ["path": path, "reason": String(cString: strerror(errno))]))
        }
        // link(2) never replaces an existing file: the first process to get here wins.
        if link(temporary, path) != 0, errno != EEXIST {
            throw Failure(message: StaffMessage("secret.cannot_create", ["path": path, "reason": String(cString: strerror(errno))]))
        }
    }
}
