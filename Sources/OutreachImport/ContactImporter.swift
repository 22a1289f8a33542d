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
    /// Columns matched to no field, kept as attributes under their header's name.
    public var attributeColumns: [String] = []
    /// Rows that named a person an earlier row of the file named: the later row was taken whole.
    public var duplicateRows: [Duplicate] = []
    public var warnings: [Warning] = []
    /// How long each step took, in order (`contacts import --timing` prints them).
    public var phases: [Phase] = []

    public struct Phase: Sendable, Codable { public let name: String; public let seconds: Double }

    public struct Rejected: Sendable, Codable { public let row: Int; public let reason: String; public let fields: [String] }
    public struct Warning: Sendable, Codable { public let row: Int; public let message: String }
    public struct Duplicate: Sendable, Codable { public let email: String; public let earlier: Int; public let later: Int }
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
    package var actor: String = ConsentLedger.staffActor
    /// How many records of a CSV file are read, validated and staged together: only one batch of
    /// records (and one piece of the file's text) is held at once, whatever the file's size.
    public var recordsPerBatch = 8_192
    /// Called with (rows done, rows in all) while writing.
    public var progress: (@Sendable (Int, Int) -> Void)?
    /// How much of the file is read at a time (`ContactFile.pieceBytes`; small in tests).
    var pieceBytes = ContactFile.pieceBytes

    public init() {}

    /// Imports the file at `path`, read in pieces (`ContactFile`).
    package func importFile(at path: String, into register: Register) throws -> ImportReport {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue,
              FileManager.default.isReadableFile(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? (isFolder.boolValue ? String(cString: strerror(EISDIR)) : String(cString: strerror(EACCES)))
                : String(cString: strerror(ENOENT))
            throw Failure.unreadable(path, reason)
        }
        var file = ContactFile(path: path, encoding: encoding)
        file.pieceBytes = pieceBytes
        return try importing(file, fileName: (path as NSString).lastPathComponent, into: register)
    }

    /// Imports a file's bytes.
    package func importBytes(_ bytes: [UInt8], fileName: String, into register: Register) throws -> ImportReport {
        var file = ContactFile(bytes: bytes, encoding: encoding)
        file.pieceBytes = pieceBytes
        return try importing(file, fileName: fileName, into: register)
    }

    /// Reads a file whose first bytes allow UTF-8 once, record by record, hashing and checking
    /// each piece as it goes; any other file, or one that turns out not to be UTF-8 (nothing
    /// written: the transaction rolled back), twice: once for its encoding and hash, then record
    /// by record. Each batch is validated and handed to the register, which merges them in one
    /// transaction.
    private func importing(_ file: ContactFile, fileName: String, into register: Register) throws -> ImportReport {
        let started = Date()
        let stopwatch = Stopwatch()
        if let utf8 = try file.utf8Guess() {
            do { return try importing(file, as: utf8, sha256: nil, fileName: fileName, started: started, stopwatch: stopwatch, into: register) }
            catch Failure.undecodable(_) {}
        }
        let inspected: (reading: ContactFile.Reading, sha256: String)
        do { inspected = try file.inspect() } catch let error as TextDecoder.Failure { throw Failure.undecodable(error) }
        return try importing(file, as: inspected.reading, sha256: inspected.sha256, fileName: fileName, started: started,
                             stopwatch: stopwatch, into: register)
    }

    /// Reads the file as `reading` says, and hashes it on the way when `sha256` is not known yet.
    private func importing(_ file: ContactFile, as reading: ContactFile.Reading, sha256: String?, fileName: String, started: Date,
                           stopwatch: Stopwatch, into register: Register) throws -> ImportReport {
        var report = ImportReport(fileName: fileName, encoding: reading.name, delimiter: "")
        report.dryRun = dryRun
        stopwatch.lap("decode")
        let run = ImportRun(fileName: fileName, fileSha256: sha256 ?? "", source: source ?? fileName, rowsRead: 0,
                            duplicates: 0, rejected: 0, startedAt: Timestamp.string(started))
        let counts = try register.importContacts(actor: actor, dryRun: dryRun, progress: progress, lap: stopwatch.lap) { stage in
            var run = run
            let hashed = try readRows(file, reading, hashing: sha256 == nil, report: &report, stage: stage)
            run.fileSha256 = sha256 ?? hashed ?? ""
            run.rowsRead = report.rowsRead
            run.rejected = report.rejected
            return run
        }
        report.added = counts.added
        report.updated = counts.updated
        report.unchanged = counts.unchanged
        report.suppressed = counts.suppressed
        report.duplicates = counts.duplicates.count
        report.duplicateRows = counts.duplicates.map { .init(email: $0.email, earlier: $0.earlier, later: $0.later) }
        stopwatch.lap(dryRun ? "roll back" : "commit")
        report.phases = stopwatch.laps
        return report
    }

    /// Hands `stage` the file's valid rows a batch at a time, in file order, and fills in the
    /// report; returns the file's SHA-256 (hex) when `hashing`. A thread of its own reads and
    /// validates the next batch while `stage` writes this one; it waits while a batch it made
    /// waits (`BatchHandover`), and stops when `stage` fails.
    private func readRows(_ file: ContactFile, _ reading: ContactFile.Reading, hashing: Bool, report: inout ImportReport,
                          stage: ([ContactRow]) throws -> Void) throws -> String? {
        let handover = BatchHandover<[ContactRow], (ImportReport, String?)>(capacity: 1)
        let before = report
        Thread { [self] in
            var report = before
            var hasher: SHA256? = hashing ? SHA256() : nil
            handover.finish(Result {
                try readAndValidate(file, reading, hashing: &hasher, report: &report) { rows in
                    // Refused: the register's side failed, and its own error is the one reported.
                    guard handover.put(rows) else { throw CancellationError() }
                }
                return (report, hasher.map { Hex.string($0.finalize()) })
            })
        }.start()
        while true {
            switch handover.take() {
            case .batch(let rows):
                do { try stage(rows) } catch {
                    handover.stop()
                    throw error
                }
            case .end(let outcome):
                let sha256: String?
                (report, sha256) = try outcome.get()
                return sha256
            }
        }
    }

    /// Parses and validates the file a batch of records at a time, handing each batch's valid rows
    /// to `stage` and keeping its warnings and rejections for the report.
    private func readAndValidate(_ file: ContactFile, _ reading: ContactFile.Reading, hashing hasher: inout SHA256?, report: inout ImportReport,
                                 stage: ([ContactRow]) throws -> Void) throws {
        // A CSV file, a recognized export or vCards: records under one header either way.
        var columns: ColumnMapping?
        var rejections: [ContactRow.Rejection] = []
        var read = 0
        var warnings: [ImportReport.Warning] = []
        let unreadable = try records(file, reading, hashing: &hasher, report: &report) { header, records in
            if columns == nil {
                do throws(ColumnMapping.Failure) { columns = try ColumnMapping(headers: header, overrides: mapping) } catch { throw Failure.badHeader(error) }
            }
            read += records.count
            var part = ContactImporter.validate(records, mapping: columns!, headerCount: header.count)
            if consentGranted { grantConsent(&part.valid) }
            for row in part.valid { for w in row.warnings { warnings.append(.init(row: row.row, message: w.description)) } }
            rejections += part.rejected
            try stage(part.valid)
        }
        report.warnings = warnings
        report.rowsRead = read + unreadable.count
        report.attributeColumns = columns?.attributes.map(\.name) ?? []
        if !unreadable.isEmpty { rejections = (unreadable + rejections).sorted { $0.row < $1.row } }
        report.rejections = rejections.map { .init(row: $0.row, reason: $0.reason.description, fields: $0.fields) }
        report.rejected = rejections.count
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
