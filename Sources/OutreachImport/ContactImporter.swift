import Crypto
import Foundation
import OutreachModel
import OutreachRegister
import Synchronization

/// What an import did (or, with `dryRun`, would do).
public struct ImportReport: Sendable, Codable {
    public var fileName: String
    public var encoding: String
    public var delimiter: String
    public var rowsRead = 0
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    public var duplicates = 0
    public var rejected = 0
    public var suppressed = 0
    public var dryRun = false
    /// What the file was read as, when not a plain CSV file: "Google Contacts export", "vCard 3.0"…
    public var format: String?
    /// What the file's records are called in messages: "row" (CSV) or "card" (vCard).
    public var recordName = "row"
    /// Records that gave more than one address (the first was imported; see `ContactExport`).
    public var moreThanOneAddress = 0
    public var rejections: [Rejected] = []
    public var warnings: [Warning] = []
    /// How long each step took, in order (`contacts import --timing` prints them).
    public var phases: [Phase] = []

    public struct Phase: Sendable, Codable { public let name: String; public let seconds: Double }

    public struct Rejected: Sendable, Codable { public let row: Int; public let reason: String; public let fields: [String] }
    public struct Warning: Sendable, Codable { public let row: Int; public let message: String }
}

/// Imports a contact file into the register: decode, parse, validate, merge, all in one transaction.
public struct ContactImporter: Sendable {
    /// A file that cannot be imported at all; nothing was written.
    public enum Failure: StaffFacingError {
        case unreadable(String, String)
        case undecodable(TextDecoder.Failure)
        case unparsable(any StaffFacingError)
        case badHeader(ColumnMapping.Failure)
        public var message: StaffMessage {
            switch self {
            case .unreadable(let path, let why): StaffMessage("import.unreadable", ["path": path, "reason": why])
            case .undecodable(let why): why.message
            case .unparsable(let why): why.message
            case .badHeader(let why): why.message
            }
        }
    }

    public var encoding: TextEncoding = .auto
    /// nil: sniffed from the header line.
    public var delimiter: UInt8?
    public var mapping: [String] = []
    public var dryRun = false
    /// Names the file in ledger sources (`import:NAME#row N`); the file's name by default.
    public var source: String?
    /// `--consent granted`: everyone the file says nothing about consented, as `source` says
    /// (the evidence); a row whose file says no stays pending. False: nobody is invented a consent.
    public var consentGranted = false
    public var actor: String = ConsentLedger.staffActor
    /// Called with (rows done, rows in all) while writing.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init() {}

    /// Imports the file at `path`.
    public func importFile(at path: String, into register: Register) throws -> ImportReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Failure.unreadable(path, (error as NSError).localizedDescription)
        }
        return try importBytes([UInt8](data), fileName: (path as NSString).lastPathComponent, into: register)
    }

    /// Imports a file's bytes.
    public func importBytes(_ bytes: [UInt8], fileName: String, into register: Register) throws -> ImportReport {
        let started = Date()
        let stopwatch = Stopwatch()
        var report = ImportReport(fileName: fileName, encoding: "", delimiter: "")
        report.dryRun = dryRun
        let rows = try readRows(bytes, report: &report, stopwatch: stopwatch)
        let sourceName = source ?? fileName
        let fileHash = Hex.string(SHA256.hash(data: bytes))
        let now = Timestamp.string(started)
        let counts = try register.importContacts(
            rows, run: ImportRun(fileName: fileName, fileSha256: fileHash, source: sourceName, rowsRead: report.rowsRead,
                                 duplicates: report.duplicates, rejected: report.rejected, startedAt: now),
            actor: actor, dryRun: dryRun, progress: progress, lap: stopwatch.lap)
        report.added = counts.added
        report.updated = counts.updated
        report.unchanged = counts.unchanged
        report.suppressed = counts.suppressed
        stopwatch.lap(dryRun ? "roll back" : "commit")
        report.phases = stopwatch.laps
        return report
    }

    /// Decodes, parses and validates the file, and merges the rows that name the same person.
    /// Returns one row per address, in the order of their matching keys. (The parsed records
    /// are freed on return, before the register's pages need the memory.)
    private func readRows(_ bytes: [UInt8], report: inout ImportReport, stopwatch: Stopwatch) throws -> [ContactRow] {
        let decoded: (text: String, encoding: String)
        do { decoded = try TextDecoder.decode(bytes, as: encoding) } catch { throw Failure.undecodable(error) }
        report.encoding = decoded.encoding
        stopwatch.lap("decode")
        // A CSV file, a recognized export or vCards: records under one header either way.
        let (header, records, unreadable) = try self.records(decoded.text, report: &report)
        stopwatch.lap("parse")
        let columns: ColumnMapping
        do { columns = try ColumnMapping(headers: header, overrides: mapping) } catch { throw Failure.badHeader(error) }
        report.rowsRead = records.count + unreadable.count

        var (valid, rejections) = ContactImporter.validate(records, mapping: columns, headerCount: header.count)
        if !unreadable.isEmpty { rejections = (unreadable + rejections).sorted { $0.row < $1.row } }
        if consentGranted { grantConsent(&valid) }
        for row in valid { for w in row.warnings { report.warnings.append(.init(row: row.row, message: w.description)) } }
        for r in rejections { report.rejections.append(.init(row: r.row, reason: r.reason.description, fields: r.fields)) }
        report.rejected = rejections.count
        stopwatch.lap("validate")

        // Rows of the same person are adjacent once sorted by key (ties in file order); each run
        // folds into its first row. Sorting by key also orders the inserts (see `write`).
        let keys = valid.map(\.address.key)
        let order = keys.indices.sorted { a, b in ContactImporter.bytewiseOrder(keys[a], keys[b]) ?? (a < b) }
        var rows: [ContactRow] = []
        rows.reserveCapacity(valid.count)
        for i in order {
            if let last = rows.last, last.address.key == keys[i] {
                rows[rows.count - 1].merge(valid[i])
                report.duplicates += 1
            } else {
                rows.append(valid[i])
            }
        }
        stopwatch.lap("sort and merge duplicates")
        return rows
    }

    /// Validates every record, in order, splitting the work across the machine's cores.
    static func validate(_ records: ArraySlice<CSVReader.Record>, mapping: ColumnMapping,
                         headerCount: Int) -> (valid: [ContactRow], rejected: [ContactRow.Rejection]) {
        let chunkSize = 4096
        let chunks = (records.count + chunkSize - 1) / chunkSize
        typealias Part = (valid: [ContactRow], rejected: [ContactRow.Rejection])
        let results = Mutex([Part](repeating: ([], []), count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let readings = ContactRow.Readings()
            let start = records.startIndex + chunk * chunkSize
            var part: Part = ([], [])
            part.valid.reserveCapacity(chunkSize)
            for record in records[start..<min(start + chunkSize, records.endIndex)] {
                do throws(ContactRow.Rejection) {
                    part.valid.append(try ContactRow(record: record, mapping: mapping, headerCount: headerCount, readings: readings))
                } catch { part.rejected.append(error) }
            }
            results.withLock { $0[chunk] = part }
        }
        return results.withLock { parts in (parts.flatMap(\.valid), parts.flatMap(\.rejected)) }
    }

    /// `a < b` comparing UTF-8 bytes, as SQLite's BINARY collation does; nil when they are equal.
    static func bytewiseOrder(_ a: String, _ b: String) -> Bool? {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool? in
                let common = min(x.count, y.count)
                let c = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return c != 0 ? c < 0 : x.count == y.count ? nil : x.count < y.count
            }
        }
        if let fast, let fast { return fast }
        return a.utf8.elementsEqual(b.utf8) ? nil : a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

/// Times the steps of an import.
final class Stopwatch {
    private(set) var laps: [ImportReport.Phase] = []
    private var last = ContinuousClock.now

    /// Ends the step called `name`.
    func lap(_ name: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        laps.append(.init(name: name, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        last = now
    }
}
