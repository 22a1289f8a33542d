import Crypto
import Foundation
import GRDB
import Logging
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
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String, String)
        case undecodable(String)
        case unparsable(String)
        case badHeader(String)
        public var description: String {
            switch self {
            case .unreadable(let path, let why): "cannot read \(path): \(why)"
            case .undecodable(let why), .unparsable(let why), .badHeader(let why): why
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
        try register.writer.writeWithoutTransaction { db in
            // One transaction for the whole file: give it enough page cache not to spill pages
            // to the WAL half-way (that doubles the writes), keep the staging tables in memory
            // (not in a temporary file that is written and read back), then give the memory back.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            let tempStore = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? 0
            try db.execute(sql: "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize); PRAGMA temp_store = \(tempStore)") }
            try db.inTransaction {
                try write(rows, db: db, report: &report, source: sourceName, now: now, stopwatch: stopwatch)
                try db.execute(
                    sql: """
                        INSERT INTO import_runs (file_name, file_sha256, source, rows_read, added, updated, unchanged,
                            duplicates, rejected, suppressed, started_at, finished_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [fileName, fileHash, sourceName, report.rowsRead, report.added, report.updated, report.unchanged,
                                report.duplicates, report.rejected, report.suppressed, now, Timestamp.string()])
                return dryRun ? .rollback : .commit
            }
        }
        stopwatch.lap(dryRun ? "roll back" : "commit")
        report.phases = stopwatch.laps
        return report
    }

    /// Decodes, parses and validates the file, and merges the rows that name the same person.
    /// Returns one row per address, in the order of their matching keys. (The parsed records
    /// are freed on return, before the register's pages need the memory.)
    private func readRows(_ bytes: [UInt8], report: inout ImportReport, stopwatch: Stopwatch) throws -> [ContactRow] {
        let decoded: (text: String, encoding: String)
        do { decoded = try TextDecoder.decode(bytes, as: encoding) } catch { throw Failure.undecodable(error.description) }
        report.encoding = decoded.encoding
        stopwatch.lap("decode")
        // A CSV file, a recognized export or vCards: records under one header either way.
        let (header, records, unreadable) = try self.records(decoded.text, report: &report)
        stopwatch.lap("parse")
        let columns: ColumnMapping
        do { columns = try ColumnMapping(headers: header, overrides: mapping) } catch { throw Failure.badHeader(error.description) }
        report.rowsRead = records.count + unreadable.count

        var (valid, rejections) = ContactImporter.validate(records, mapping: columns, headerCount: header.count)
        if !unreadable.isEmpty { rejections = (unreadable + rejections).sorted { $0.row < $1.row } }
        if consentGranted { grantConsent(&valid) }
        for row in valid { for w in row.warnings { report.warnings.append(.init(row: row.row, message: w)) } }
        for r in rejections { report.rejections.append(.init(row: r.row, reason: r.reason, fields: r.fields)) }
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

    /// Writes the merged rows: existing contacts are updated one by one, new ones are staged in a
    /// temporary table and inserted with one `INSERT … SELECT` per table: SQLite's per-statement
    /// work (constraint set-up, statement journal, reset) is paid twice instead of twice per row,
    /// and the staging insert has no constraint, index or foreign key to check.
    private func write(_ rows: [ContactRow], db: Database, report: inout ImportReport, source: String, now: String,
                       stopwatch: Stopwatch) throws {
        let suppressed = try SuppressionList.allHashes(db)
        let existing = try existingContacts(db, rows: rows)
        var nextID = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM contacts") ?? 0) + 1
        try db.execute(sql: """
            CREATE TEMP TABLE import_new (
                id INTEGER PRIMARY KEY, email TEXT, email_key TEXT, name TEXT,
                addressed_as TEXT, honorific TEXT, kind TEXT, country TEXT, city TEXT, language TEXT,
                organization TEXT, tags TEXT, attributes TEXT, consent_status TEXT, row INTEGER, evidence TEXT)
            """)
        defer { try? db.execute(sql: "DROP TABLE temp.import_new") }
        let stage = try BulkStatement(db, sql: "INSERT INTO temp.import_new VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var added: [Int] = []
        added.reserveCapacity(rows.count)
        for (n, row) in rows.enumerated() {
            // Suppression wins, matched by hash so that erased addresses stay out too. (No
            // contact is ever inserted for a suppressed address: `contacts.suppressed` of a new
            // contact is 0.)
            if !suppressed.isEmpty && suppressed.contains(row.address.hash) { report.suppressed += 1; continue }
            guard !existing.isEmpty, let contact = existing[row.address.key] else { added.append(n); continue }
            try merge(row, into: contact, db: db, report: &report, source: "import:\(source)#row \(row.row)", now: now, encoder: encoder)
        }
        stopwatch.lap("match the register")
        // `rows` come in the order of their matching keys (byte order, as SQLite compares), so
        // new contacts get their ids in that order: the unique index on the key then grows at
        // its end like the table does, instead of at a random place for every row (a third less
        // time for the whole insert).
        for (n, index) in added.enumerated() {
            if n % 2000 == 0 { progress?(n, added.count) }
            let row = rows[index]
            stage.bind(1, nextID)
            stage.bind(2, row.address.value)
            stage.bind(3, row.address.key == row.address.value ? nil : row.address.key)  // NULL: same as email
            stage.bind(4, row.name ?? "")
            stage.bind(5, row.addressedAs)
            stage.bind(6, row.honorific)
            stage.bind(7, (row.kind ?? .other).rawValue)
            stage.bind(8, row.country)
            stage.bind(9, row.city)
            stage.bind(10, row.language)
            stage.bind(11, row.organization)
            stage.bind(12, row.tags.isEmpty ? nil : String(decoding: try encoder.encode(row.tags), as: UTF8.self))
            stage.bind(13, row.attributes.isEmpty ? nil : String(decoding: try encoder.encode(row.attributes), as: UTF8.self))
            stage.bind(14, row.consentGiven ? "granted" : "pending")
            stage.bind(15, Int64(row.row))
            stage.bind(16, row.evidence)
            try stage.execute()
            nextID += 1
        }
        report.added = added.count
        stopwatch.lap("stage new contacts")
        try db.execute(sql: """
            INSERT INTO contacts (id, email, email_key, name, addressed_as, honorific, kind, country, city,
                language, organization, tags, attributes, consent_status, created_at, updated_at)
            SELECT id, email, coalesce(email_key, email), name, addressed_as, honorific, kind, country, city,
                language, organization, coalesce(tags, '[]'), coalesce(attributes, '{}'), consent_status, ?1, ?1
            FROM temp.import_new ORDER BY id
            """, arguments: [now])
        stopwatch.lap("insert contacts")
        try db.execute(sql: """
            INSERT INTO consents (contact_id, status, purpose, source, evidence, actor, recorded_at)
            SELECT id, consent_status, ?, 'import:' || ? || '#row ' || row, evidence, ?, ?
            FROM temp.import_new ORDER BY id
            """, arguments: [Consent.invitationPurpose, source, actor, now])
        stopwatch.lap("insert ledger rows")
        progress?(added.count, added.count)
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

    /// The contacts already in the register that rows of the file name, by matching key.
    private func existingContacts(_ db: Database, rows: [ContactRow]) throws -> [String: Contact] {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contacts)") == true else { return [:] }
        try db.execute(sql: "CREATE TEMP TABLE import_keys (key TEXT PRIMARY KEY) WITHOUT ROWID")
        defer { try? db.execute(sql: "DROP TABLE temp.import_keys") }
        let stage = try BulkStatement(db, sql: "INSERT OR IGNORE INTO temp.import_keys VALUES (?)")
        for row in rows {
            stage.bind(1, row.address.key)
            try stage.execute()
        }
        var found: [String: Contact] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(Contact.selection) FROM contacts c JOIN temp.import_keys k ON k.key = c.email_key")
        while let row = try cursor.next() {
            let contact = try Contact(row: row)
            found[contact.emailKey] = contact
        }
        return found
    }

    /// Folds a row into the contact the register already holds: the file's non-empty values win,
    /// tags and attributes are merged, and consent is granted if the row gives it (unless the
    /// person withdrew it: then nothing changes).
    private func merge(_ row: ContactRow, into contact: Contact, db: Database, report: inout ImportReport,
                       source: String, now: String, encoder: JSONEncoder) throws {
        let consent = contact.consentStatus.flatMap(Consent.Status.init(rawValue:))
        if consent == .withdrawn { report.suppressed += 1; return }
        var c = contact
        c.name = row.name ?? c.name
        c.addressedAs = row.addressedAs ?? c.addressedAs
        c.honorific = row.honorific ?? c.honorific
        c.kind = row.kind ?? c.kind
        c.country = row.country ?? c.country
        c.city = row.city ?? c.city
        c.language = row.language ?? c.language
        c.organization = row.organization ?? c.organization
        if !row.tags.isEmpty {
            var tags = c.tagList
            for tag in row.tags where !tags.contains(tag) { tags.append(tag) }
            c.tags = String(decoding: try encoder.encode(tags), as: UTF8.self)
        }
        if !row.attributes.isEmpty {
            var attributes = c.attributeMap
            attributes.merge(row.attributes) { _, new in new }
            c.attributes = String(decoding: try encoder.encode(attributes), as: UTF8.self)
        }
        var changed = false
        if c != contact {
            c.updatedAt = now
            try c.updateChanges(db, from: contact)
            changed = true
        }
        if row.consentGiven && consent != .granted {
            try ConsentLedger.append(db, contactID: c.id!, status: .granted, source: source, evidence: row.evidence,
                                     actor: actor, at: now)
            changed = true
        }
        if changed { report.updated += 1 } else { report.unchanged += 1 }
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
