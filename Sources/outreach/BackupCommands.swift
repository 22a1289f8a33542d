import ArgumentParser
import Foundation
import OutreachModel
import OutreachRegister

/// What `backup` writes next to the copy: enough to know what it is without opening it.
struct BackupManifest: Codable {
    var version: String
    var createdAt: String
    var database: String
    var migrations: [String]
    var counts: [String: Int]
    enum CodingKeys: String, CodingKey { case version, database, migrations, counts, createdAt = "created_at" }
}

/// The files of a backup folder.
enum BackupFolder {
    static let database = "outreach.sqlite"
    static let linkSecret = "link-secret"
    static let manifest = "manifest.json"
    /// The program's version as the manifest records it.
    static let version = "outreach " + (Register.migrationNames.last ?? "")

    /// `contacts 3, outbox 0, …` for a summary line.
    static func counts(_ summary: BackupSummary) -> String {
        // Each table named in the staff's words (the manifest keeps the table names).
        summary.counts.sorted { $0.key < $1.key }.map { table, count in
            let name = StaffText.table(.en)["backup.table." + table] != nil ? StaffText.say("backup.table." + table) : table
            return "\(name) \(count)"
        }.joined(separator: ", ")
    }

    /// `databasePath + ".daemon-lock"`, held by `outreach serve` (`DeliveryService`): while we
    /// hold it, no daemon runs or starts on this database.
    static func lockDaemonOut(_ databasePath: String) throws -> Int32 {
        let fd = open(databasePath + ".daemon-lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ValidationError(StaffText.say("backup.file_error", ["path": databasePath + ".daemon-lock", "reason": String(cString: strerror(errno))])) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ValidationError(StaffText.say("restore.daemon", ["database": databasePath]))
        }
        return fd
    }
}

/// `outreach backup DIR`: a consistent copy while the daemon runs, with the link secret and a manifest.
struct BackupCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "backup", abstract: StaffText.say("help.backup.abstract")) }
    @OptionGroup var global: GlobalOptions
    @Argument(help: staffHelp("help.backup.dir")) var dir: String

    func run() async throws {
        let (settings, register) = try await global.register()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let summary = try register.backup(to: dir + "/" + BackupFolder.database)
        if FileManager.default.fileExists(atPath: settings.linksSecretFile) {
            try Register.copyPrivately(from: settings.linksSecretFile, to: dir + "/" + BackupFolder.linkSecret)
        }
        let manifest = BackupManifest(version: BackupFolder.version, createdAt: Timestamp.string(), database: settings.databasePath,
                                      migrations: summary.migrations, counts: summary.counts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = dir + "/" + BackupFolder.manifest
        let temporary = path + ".new"
        try encoder.encode(manifest).write(to: URL(fileURLWithPath: temporary))
        _ = chmod(temporary, 0o600)
        try Register.copyPrivately(from: temporary, to: path)
        try? FileManager.default.removeItem(atPath: temporary)
        print(StaffText.say("backup.done", ["database": settings.databasePath, "dir": dir, "counts": BackupFolder.counts(summary)]))
        if !FileManager.default.fileExists(atPath: dir + "/" + BackupFolder.linkSecret) {
            printError(StaffText.say("backup.no_secret", ["file": settings.linksSecretFile]))
        }
    }
}

/// `outreach restore DIR [--yes]`: puts a backup back, refused while a daemon holds the database.
struct RestoreCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "restore", abstract: StaffText.say("help.restore.abstract")) }
    @OptionGroup var global: GlobalOptions
    @Argument(help: staffHelp("help.restore.dir")) var dir: String
    @Flag(help: staffHelp("help.yes")) var yes = false

    func run() async throws {
        let settings = try await global.settings()
        let source = dir + "/" + BackupFolder.database
        guard FileManager.default.fileExists(atPath: source) else { throw ValidationError(StaffText.say("restore.not_backup", ["dir": dir])) }
        let lock = try BackupFolder.lockDaemonOut(settings.databasePath)
        defer { close(lock) }
        guard Terminal.confirm(StaffText.say("restore.confirm", ["database": settings.databasePath, "secret": settings.linksSecretFile, "dir": dir]), yes: yes) else {
            throw NotConfirmed(what: "restore \(dir)")
        }
        let summary = try Register.restore(from: source, to: settings.databasePath)
        let secret = dir + "/" + BackupFolder.linkSecret
        if FileManager.default.fileExists(atPath: secret) {
            try FileManager.default.createDirectory(atPath: (settings.linksSecretFile as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Register.copyPrivately(from: secret, to: settings.linksSecretFile)
        }
        print(StaffText.say("restore.done", ["database": settings.databasePath, "dir": dir, "counts": BackupFolder.counts(summary)]))
    }
}
