import Foundation
import OutreachModel

/// Why the register's files cannot be used, in words that say what to do.
package struct RegisterFileError: StaffFacingError {
    package let message: StaffMessage
}

/// The database file and its -wal and -shm companions: a folder we can write, mode 0600.
enum RegisterFiles {
    static let companions = ["", "-wal", "-shm"]

    static func prepare(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        let shown = folder.isEmpty ? "." : folder
        if !folder.isEmpty {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw RegisterFileError(message: StaffMessage("register.cannot_create_folder", ["folder": folder, "reason": reason(errno: (error as NSError).underlyingErrorCode)]))
            }
        }
        // SQLite writes its -wal and -shm files next to the database: the folder must be writable.
        if access(shown, W_OK) != 0 {
            throw RegisterFileError(message: StaffMessage("register.folder_read_only", ["folder": shown, "reason": reason(errno: errno),
                                                                                    "file": (path as NSString).lastPathComponent]))
        }
        if FileManager.default.fileExists(atPath: path) {
            if access(path, W_OK) != 0 {
                throw RegisterFileError(message: StaffMessage("register.database_read_only", ["path": path, "reason": reason(errno: errno)]))
            }
        } else {
            // An empty file is an empty database; created here so that it is 0600 from the start.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 { close(fd) } else if errno != EEXIST {
                throw RegisterFileError(message: StaffMessage("register.cannot_create_database", ["path": path, "reason": reason(errno: errno)]))
            }
        }
        // Files an older version left readable by others: the register is nobody else's to read.
        for suffix in companions {
            var info = stat()
            if stat(path + suffix, &info) == 0, info.st_mode & 0o077 != 0, info.st_uid == geteuid() {
                _ = chmod(path + suffix, 0o600)
            }
        }
    }

    /// Whether an `outreach serve` holds `<path>.daemon-lock` (the delivery service's lock). Only
    /// then may a command leave the copy of the WAL into the database file to the daemon's
    /// background checkpointer; without a daemon the command's close checkpoints and removes the
    /// -wal and -shm files, so none is left behind (owned by whoever ran the command).
    static func daemonRunning(_ path: String) -> Bool {
        let fd = open(path + ".daemon-lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { return false }
        return errno == EWOULDBLOCK
    }

    static func reason(errno code: Int32) -> String { String(cString: strerror(code)) }
}

extension NSError {
    /// The POSIX error behind a Foundation file error, if any.
    var underlyingErrorCode: Int32 {
        (userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) } ?? Int32(code)
    }
}
