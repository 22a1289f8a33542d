import Foundation
import OutreachModel

/// The lock a process holds while it opens and migrates the register: an `flock` on
/// `<database>.lock` next to the file. Commands started together on a new (or older) database
/// then take turns: the first creates or migrates the schema (and keeps the copy from before),
/// the others wait and open what it made, instead of racing it into raw migration errors.
/// The lock is held only while opening; a database that needs nothing waits a few milliseconds.
enum MigrationLock {
    /// The lock file for the database at `path`.
    static func path(for database: String) -> String { database + ".lock" }

    /// How long a command waits for another one's migration before it gives up and says so.
    static let longestWait: Duration = .seconds(600)

    /// Runs `body` holding the lock of the database at `database`, waiting up to `wait` for it.
    static func holding<T>(_ database: String, wait: Duration = longestWait, _ body: () throws -> T) throws -> T {
        let fd = try acquire(database, wait: wait)
        defer { close(fd) }  // closing the file releases the lock
        return try body()
    }

    /// Opens the lock file and takes the lock; returns the open file.
    @inline(never)
    private static func acquire(_ database: String, wait: Duration) throws -> Int32 {
        let lock = path(for: database)
        let fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw RegisterFileError(message: StaffMessage("register.cannot_lock", ["path": lock, "reason": RegisterFiles.reason(errno: errno)]))
        }
        // Run as root on the daemon's database, leave the lock to the database's owner (as
        // SQLite does with the -wal and -shm files), or the daemon could not open it later.
        if geteuid() == 0, let owner = try? FileManager.default.attributesOfItem(atPath: database),
           let uid = (owner[.ownerAccountID] as? NSNumber)?.uint32Value, let gid = (owner[.groupOwnerAccountID] as? NSNumber)?.uint32Value, uid != 0 {
            _ = fchown(fd, uid, gid)
        }
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw RegisterFileError(message: StaffMessage("register.cannot_lock", ["path": lock, "reason": RegisterFiles.reason(errno: code)]))
            }
            guard clock.now < deadline else {
                close(fd)
                throw RegisterFileError(message: StaffMessage("register.lock_timeout", ["seconds": String(wait.components.seconds),
                                                                                      "path": database, "lock": lock]))
            }
            // Another process is opening the database; its migration takes milliseconds to minutes.
            usleep(20_000)
        }
        return fd
    }
}
