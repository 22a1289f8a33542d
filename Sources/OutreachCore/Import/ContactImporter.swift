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
    public var rejections: [Rejected] = []
    public var warnings: [Warning] = []

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
        let decoded: (text: String, encoding: String)
        do { decoded = try TextDecoder.decode(bytes, as: encoding) } catch { throw Failure.undecodable(error.description) }
        let delimiter = self.delimiter ?? CSVReader.sniffDelimiter(decoded.text)
        let records: [CSVReader.Record]
        do { records = try CSVReader(delimiter: delimiter).records(decoded.text) } catch { throw Failure.unparsable(error.description) }
        let header = records[0].fields
        let columns: ColumnMapping
        do { columns = try ColumnMapping(headers: header, overrides: mapping) } catch { throw Failure.badHeader(error.description) }

        var report = ImportReport(
            fileName: fileName, encoding: decoded.encoding,
            delimiter: delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter)))
        report.dryRun = dryRun
        report.rowsRead = records.count - 1

        // Validate (on every core: rows are independent), then merge duplicates inside the file
        // in file order, keeping the first-seen position.
        var rows: [ContactRow] = []
        var indexByKey: [String: Int] = [:]
        rows.reserveCapacity(records.count)
        let validated = ContactImporter.validate(records.dropFirst(), mapping: columns, headerCount: header.count)
        for result in validated {
            switch result {
            case .success(let row):
                for w in row.warnings { report.warnings.append(.init(row: row.row, message: w)) }
                if let i = indexByKey[row.address.key] {
                    rows[i].merge(row)
                    report.duplicates += 1
                } else {
                    indexByKey[row.address.key] = rows.count
                    rows.append(row)
                }
            case .failure(let error):
                report.rejected += 1
                report.rejections.append(.init(row: error.row, reason: error.reason, fields: error.fields))
            }
        }

        let sourceName = source ?? fileName
        let fileHash = SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
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
                try write(rows, db: db, report: &report, source: sourceName, now: now)
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
        return report
    }

    /// Validates every record, in order, splitting the work across the machine's cores.
    static func validate(_ records: ArraySlice<CSVReader.Record>, mapping: ColumnMapping,
                         headerCount: Int) -> [Result<ContactRow, ContactRow.Rejection>] {
        let chunkSize = 4096
        let chunks = (records.count + chunkSize - 1) / chunkSize
        let results = Mutex([[Result<ContactRow, ContactRow.Rejection>]](repeating: [], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let readings = ContactRow.Readings()
            let start = records.startIndex + chunk * chunkSize
            let part = records[start..<min(start + chunkSize, records.endIndex)].map { record in
                Result { () throws(ContactRow.Rejection) in
                    try ContactRow(record: record, mapping: mapping, headerCount: headerCount, readings: readings)
                }
            }
            results.withLock { $0[chunk] = part }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// Writes the merged rows: existing contacts are updated one by one, new ones are staged in a
    /// temporary table and inserted with one `INSERT … SELECT` per table. A statement per row
    /// would make SQLite open and close a statement journal for every row (the register's
    /// triggers require one); a set-based insert opens it once.
    private func write(_ rows: [ContactRow], db: Database, report: inout ImportReport, source: String, now: String) throws {
        let suppressed = try SuppressionList.allHashes(db)
        let existing = try existingContacts(db, rows: rows)
        var nextID = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM contacts") ?? 0) + 1
        try db.execute(sql: """
            CREATE TEMP TABLE import_new (
                id INTEGER PRIMARY KEY, email TEXT, email_key TEXT, address_hash TEXT, name TEXT,
                addressed_as TEXT, honorific TEXT, kind TEXT, country TEXT, city TEXT, language TEXT,
                organization TEXT, tags TEXT, attributes TEXT, consent_status TEXT, source TEXT, evidence TEXT)
            """)
        defer { try? db.execute(sql: "DROP TABLE temp.import_new") }
        let stage = try BulkStatement(db, sql: "INSERT INTO temp.import_new VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var added: [Int] = []
        added.reserveCapacity(rows.count)
        for (n, row) in rows.enumerated() {
            if !suppressed.isEmpty && suppressed.contains(row.addressHash) { report.suppressed += 1; continue }
            guard !existing.isEmpty, let contact = existing[row.address.key] else { added.append(n); continue }
            try merge(row, into: contact, db: db, report: &report, source: "import:\(source)#row \(row.row)", now: now, encoder: encoder)
        }
        // New contacts get their ids in the order of their matching keys (byte order, as SQLite
        // compares): the unique index on the key then grows at its end like the table does,
        // instead of at a random place for every row (a third less time for the whole insert).
        added.sort { ContactImporter.bytewiseLess(rows[$0].address.key, rows[$1].address.key) }
        for (n, index) in added.enumerated() {
            if n % 2000 == 0 { progress?(n, added.count) }
            let row = rows[index]
            stage.bind(1, nextID)
            stage.bind(2, row.address.value)
            stage.bind(3, row.address.key)
            stage.bind(4, row.addressHash)
            stage.bind(5, row.name ?? "")
            stage.bind(6, row.addressedAs)
            stage.bind(7, row.honorific)
            stage.bind(8, (row.kind ?? .other).rawValue)
            stage.bind(9, row.country)
            stage.bind(10, row.city)
            stage.bind(11, row.language)
            stage.bind(12, row.organization)
            stage.bind(13, row.tags.isEmpty ? "[]" : String(decoding: try encoder.encode(row.tags), as: UTF8.self))
            stage.bind(14, row.attributes.isEmpty ? "{}" : String(decoding: try encoder.encode(row.attributes), as: UTF8.self))
            stage.bind(15, row.consentGiven ? "granted" : "pending")
            stage.bind(16, "import:\(source)#row \(row.row)")
            stage.bind(17, row.evidence)
            try stage.execute()
            nextID += 1
        }
        report.added = added.count
        try db.execute(sql: """
            INSERT INTO contacts (id, email, email_key, address_hash, name, addressed_as, honorific, kind, country, city,
                language, organization, tags, attributes, consent_status, created_at, updated_at)
            SELECT id, email, email_key, address_hash, name, addressed_as, honorific, kind, country, city,
                language, organization, tags, attributes, consent_status, ?1, ?1
            FROM temp.import_new ORDER BY id
            """, arguments: [now])
        try db.execute(sql: """
            INSERT INTO consents (contact_id, address_hash, status, purpose, source, evidence, actor, recorded_at)
            SELECT id, address_hash, consent_status, ?, source, evidence, ?, ?
            FROM temp.import_new ORDER BY id
            """, arguments: [Consent.invitationPurpose, actor, now])
        progress?(added.count, added.count)
    }

    /// `a < b` comparing UTF-8 bytes, as SQLite's BINARY collation does.
    static func bytewiseLess(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in
                let common = min(x.count, y.count)
                let c = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return c != 0 ? c < 0 : x.count < y.count
            }
        }
        return (fast ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
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
        let cursor = try Row.fetchCursor(db, sql: "SELECT c.* FROM contacts c JOIN temp.import_keys k ON k.key = c.email_key")
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
            let insert = try db.cachedStatement(sql: """
                INSERT INTO consents (contact_id, address_hash, status, purpose, source, evidence, actor, recorded_at)
                VALUES (?, ?, 'granted', ?, ?, ?, ?, ?)
                """)
            try insert.execute(arguments: [c.id, c.addressHash, Consent.invitationPurpose, source, row.evidence, actor, now])
            changed = true
        }
        if changed { report.updated += 1 } else { report.unchanged += 1 }
    }
}
