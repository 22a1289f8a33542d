import Crypto
import Foundation
import GRDB
import Logging

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

        // Validate and merge duplicates inside the file, keeping first-seen order.
        var rows: [ContactRow] = []
        var indexByKey: [String: Int] = [:]
        rows.reserveCapacity(records.count)
        let readings = ContactRow.Readings()
        for record in records.dropFirst() {
            do {
                let row = try ContactRow(record: record, mapping: columns, headerCount: header.count, readings: readings)
                for w in row.warnings { report.warnings.append(.init(row: row.row, message: w)) }
                if let i = indexByKey[row.address.key] {
                    rows[i].merge(row)
                    report.duplicates += 1
                } else {
                    indexByKey[row.address.key] = rows.count
                    rows.append(row)
                }
            } catch {
                report.rejected += 1
                report.rejections.append(.init(row: error.row, reason: error.reason, fields: error.fields))
            }
        }

        let sourceName = source ?? fileName
        let fileHash = SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
        let now = Timestamp.string(started)
        try register.writer.writeWithoutTransaction { db in
            // One transaction for the whole file: give it enough page cache not to spill pages
            // to the WAL half-way (that doubles the writes), then give the memory back.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -262144")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
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

    /// The state of a contact already in the register, as far as an import compares it.
    private struct Existing {
        var contact: Contact
        var consent: Consent.Status?
    }

    private func write(_ rows: [ContactRow], db: Database, report: inout ImportReport, source: String, now: String) throws {
        let suppressed = try SuppressionList.allHashes(db)
        let existingCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") ?? 0
        let insertContact = try db.cachedStatement(sql: """
            INSERT INTO contacts (email, email_key, address_hash, name, addressed_as, honorific, kind, country, city,
                language, organization, tags, attributes, created_at, updated_at, consent_status)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let insertConsent = try db.cachedStatement(sql: """
            INSERT INTO consents (contact_id, address_hash, status, purpose, source, evidence, actor, recorded_at)
            VALUES (?, ?, ?, 'event-invitations', ?, ?, ?, ?)
            """)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for (n, row) in rows.enumerated() {
            if n % 2000 == 0 { progress?(n, rows.count) }
            let hash = row.address.hash
            if suppressed.contains(hash) { report.suppressed += 1; continue }
            let existing: Existing? = existingCount == 0 ? nil : try existingContact(db, key: row.address.key)
            let ledgerSource = "import:\(source)#row \(row.row)"
            guard var existing else {
                let tags = row.tags.isEmpty ? "[]" : String(decoding: try encoder.encode(row.tags), as: UTF8.self)
                let attributes = row.attributes.isEmpty ? "{}" : String(decoding: try encoder.encode(row.attributes), as: UTF8.self)
                try insertContact.execute(arguments: [
                    row.address.value, row.address.key, hash, row.name ?? "", row.addressedAs, row.honorific,
                    (row.kind ?? .other).rawValue, row.country, row.city, row.language, row.organization,
                    tags, attributes, now, now, row.consentGiven ? "granted" : "pending",
                ])
                try insertConsent.execute(arguments: [
                    db.lastInsertedRowID, hash, row.consentGiven ? "granted" : "pending", ledgerSource,
                    row.evidence, actor, now,
                ])
                report.added += 1
                continue
            }
            if existing.consent == .withdrawn { report.suppressed += 1; continue }
            let before = existing.contact
            var c = existing.contact
            c.name = row.name ?? c.name
            c.addressedAs = row.addressedAs ?? c.addressedAs
            c.honorific = row.honorific ?? c.honorific
            c.kind = row.kind ?? c.kind
            c.country = row.country ?? c.country
            c.city = row.city ?? c.city
            c.language = row.language ?? c.language
            c.organization = row.organization ?? c.organization
            var tags = c.tagList
            for tag in row.tags where !tags.contains(tag) { tags.append(tag) }
            c.tags = String(decoding: try encoder.encode(tags), as: UTF8.self)
            var attributes = c.attributeMap
            attributes.merge(row.attributes) { _, new in new }
            c.attributes = String(decoding: try encoder.encode(attributes), as: UTF8.self)
            var changed = false
            if c != before {
                c.updatedAt = now
                try c.updateChanges(db, from: before)
                changed = true
            }
            if row.consentGiven && existing.consent != .granted {
                try insertConsent.execute(arguments: [c.id, hash, "granted", ledgerSource, row.evidence, actor, now])
                changed = true
            }
            existing.contact = c
            if changed { report.updated += 1 } else { report.unchanged += 1 }
        }
        progress?(rows.count, rows.count)
    }

    private func existingContact(_ db: Database, key: String) throws -> Existing? {
        guard let contact = try Contact.filter(Column("email_key") == key).fetchOne(db) else { return nil }
        // The trigger-kept copy of the latest ledger row: no second query per row.
        return Existing(contact: contact, consent: contact.consentStatus.flatMap(Consent.Status.init(rawValue:)))
    }
}
