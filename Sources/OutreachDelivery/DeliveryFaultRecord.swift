import Foundation
import OutreachModel

/// The write error that stopped delivery, kept in a small file next to the database
/// (`outreach.sqlite.delivery-fault`, mode 0600) where `outreach doctor` reads it: the database
/// itself may be what refuses writes. The daemon writes it once when delivery stops and removes
/// it when it starts again.
public struct DeliveryFaultRecord: Sendable, Equatable {
    /// When delivery stopped, as ISO 8601.
    public let at: String
    /// The error, as the database said it (cleaned of control characters).
    public let error: String

    public init(at: String, error: String) { self.at = at; self.error = error }

    /// The file's path for the database at `databasePath`.
    public static func path(database databasePath: String) -> String { databasePath + ".delivery-fault" }

    /// The record left by the daemon of the database at `databasePath`; nil when there is none.
    public static func read(database databasePath: String) -> DeliveryFaultRecord? {
        guard let text = try? String(contentsOfFile: path(database: databasePath), encoding: .utf8) else { return nil }
        let (at, error) = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            .reduce(into: ("", "")) { parts, line in if parts.0.isEmpty { parts.0 = line } else { parts.1 = line } }
        return DeliveryFaultRecord(at: at, error: error.trimmingCharacters(in: .newlines))
    }

    /// Writes this record for the database at `databasePath` (0600); false when it cannot.
    @discardableResult
    func write(database databasePath: String) -> Bool {
        let data = Data("\(at)\n\(OutsideText.cleaned(error))\n".utf8)
        return FileManager.default.createFile(atPath: Self.path(database: databasePath), contents: data,
                                             attributes: [.posixPermissions: 0o600])
    }

    /// Removes the record of the database at `databasePath` (a new daemon starts afresh).
    static func clear(database databasePath: String) {
        try? FileManager.default.removeItem(atPath: path(database: databasePath))
    }
}
