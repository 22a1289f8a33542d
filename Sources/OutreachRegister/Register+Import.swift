import Foundation
import GRDB
import OutreachModel

/// One person read from a contact file, validated, ready to merge into the register (the
/// importer makes them; `Register.importContacts` writes them).
public struct ImportedContact: Sendable {
    public var row: Int
    public var address: EmailAddress
    public var name: String?
    public var addressedAs: String?
    public var honorific: String?
    public var kind: ContactKind?
    public var country: String?
    public var city: String?
    public var language: String?
    public var organization: String?
    public var tags: [String]
    public var attributes: [String: String]
    public var consentGiven: Bool
    /// True when the file says yes or no to consent for this row (not when it says nothing).
    public var consentStated = false
    public var evidence: String?
    public var warnings: [StaffMessage]

    public init(row: Int, address: EmailAddress, name: String? = nil, addressedAs: String? = nil, honorific: String? = nil,
                kind: ContactKind? = nil, country: String? = nil, city: String? = nil, language: String? = nil,
                organization: String? = nil, tags: [String] = [], attributes: [String: String] = [:],
                consentGiven: Bool = false, evidence: String? = nil, warnings: [StaffMessage] = []) {
        self.row = row; self.address = address; self.name = name; self.addressedAs = addressedAs; self.honorific = honorific
        self.kind = kind; self.country = country; self.city = city; self.language = language; self.organization = organization
        self.tags = tags; self.attributes = attributes; self.consentGiven = consentGiven; self.evidence = evidence
        self.warnings = warnings
    }

    /// Folds `other` (a later row for the same address) into this one: its non-empty values win.
    public mutating func merge(_ other: ImportedContact) {
        name = other.name ?? name
        addressedAs = other.addressedAs ?? addressedAs
        honorific = other.honorific ?? honorific
        kind = other.kind ?? kind
        country = other.country ?? country
        city = other.city ?? city
        language = other.language ?? language
        organization = other.organization ?? organization
        for tag in other.tags where !tags.contains(tag) { tags.append(tag) }
        attributes.merge(other.attributes) { _, new in new }
        if other.consentGiven && !consentGiven { consentGiven = true; evidence = other.evidence; row = other.row }
    }
}

/// What an import changed in the register.
public struct ImportCounts: Sendable, Equatable {
    public var added = 0, updated = 0, unchanged = 0
    /// Rows left alone because the address is suppressed or the person withdrew consent.
    public var suppressed = 0
}

/// One import, as the register keeps a record of it.
public struct ImportRun: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "import_runs"
    public var id: Int64?
    public var fileName: String
    public var fileSha256: String
    public var source: String
    public var rowsRead: Int
    public var added = 0, updated = 0, unchanged = 0
    public var duplicates: Int
    public var rejected: Int
    public var suppressed = 0
    public var startedAt: String
    public var finishedAt: String?

    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    public init(fileName: String, fileSha256: String, source: String, rowsRead: Int, duplicates: Int, rejected: Int, startedAt: String) {
        self.fileName = fileName; self.fileSha256 = fileSha256; self.source = source; self.rowsRead = rowsRead
        self.duplicates = duplicates; self.rejected = rejected; self.startedAt = startedAt
    }

    mutating func record(_ counts: ImportCounts) {
        added = counts.added; updated = counts.updated; unchanged = counts.unchanged; suppressed = counts.suppressed
        finishedAt = Timestamp.string()
    }
}

extension Register {
    /// Merges `rows` (one per address, in the order of their matching keys) into the register in
    /// one transaction, with a record of the run; `dryRun` rolls it all back. Suppression wins:
    /// a suppressed or erased address is never added, and a person who withdrew is never changed.
    /// `lap` names each step as it ends (`contacts import --timing`).
    public func importContacts(_ rows: [ImportedContact], run: ImportRun, actor: String, dryRun: Bool,
                               progress: ((Int, Int) -> Void)? = nil, lap: (String) -> Void = { _ in }) throws -> ImportCounts {
        var counts = ImportCounts()
        try dbWriter.writeWithoutTransaction { db in
            // One transaction for the whole file: give it enough page cache not to spill pages
            // to the WAL half-way (that doubles the writes), keep the staging tables in memory
            // (not in a temporary file that is written and read back), then give the memory back.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            let tempStore = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? 0
            try db.execute(sql: "PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize); PRAGMA temp_store = \(tempStore)") }
            try db.inTransaction {
                try Register.write(rows, db: db, counts: &counts, source: run.source, actor: actor, now: run.startedAt, progress: progress, lap: lap)
                var run = run
                run.record(counts)
                try run.insert(db)
                return dryRun ? .rollback : .commit
            }
        }
        return counts
    }

    /// Writes the merged rows: existing contacts are updated one by one, new ones are staged in a
    /// temporary table and inserted with one `INSERT … SELECT` per table: SQLite's per-statement
    /// work (constraint set-up, statement journal, reset) is paid twice instead of twice per row,
    /// and the staging insert has no constraint, index or foreign key to check.
    private static func write(_ rows: [ImportedContact], db: Database, counts: inout ImportCounts, source: String, actor: String,
                              now: String, progress: ((Int, Int) -> Void)?, lap: (String) -> Void) throws {
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
            if !suppressed.isEmpty && suppressed.contains(row.address.hash) { counts.suppressed += 1; continue }
            guard !existing.isEmpty, let contact = existing[row.address.key] else { added.append(n); continue }
            try merge(row, into: contact, db: db, counts: &counts, source: "import:\(source)#row \(row.row)", actor: actor, now: now, encoder: encoder)
        }
        lap("match the register")
        // `rows` come in the order of their matching keys (byte order, as SQLite compares), so
        // new contacts get their ids in that order: the unique index on the key then grows at
        // its end like the table does, instead of at a random place for every row (much less
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
        counts.added = added.count
        lap("stage new contacts")
        try db.execute(sql: """
            INSERT INTO contacts (id, email, email_key, name, addressed_as, honorific, kind, country, city,
                language, organization, tags, attributes, consent_status, created_at, updated_at)
            SELECT id, email, coalesce(email_key, email), name, addressed_as, honorific, kind, country, city,
                language, organization, coalesce(tags, '[]'), coalesce(attributes, '{}'), consent_status, ?1, ?1
            FROM temp.import_new ORDER BY id
            """, arguments: [now])
        lap("insert contacts")
        try db.execute(sql: """
            INSERT INTO consents (contact_id, status, purpose, source, evidence, actor, recorded_at)
            SELECT id, consent_status, ?, 'import:' || ? || '#row ' || row, evidence, ?, ?
            FROM temp.import_new ORDER BY id
            """, arguments: [Consent.invitationPurpose, source, actor, now])
        lap("insert ledger rows")
        progress?(added.count, added.count)
    }

    /// The contacts already in the register that rows of the file name, by matching key.
    private static func existingContacts(_ db: Database, rows: [ImportedContact]) throws -> [String: Contact] {
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
    private static func merge(_ row: ImportedContact, into contact: Contact, db: Database, counts: inout ImportCounts,
                              source: String, actor: String, now: String, encoder: JSONEncoder) throws {
        let consent = contact.consentStatus
        if consent == .withdrawn { counts.suppressed += 1; return }
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
        if changed { counts.updated += 1 } else { counts.unchanged += 1 }
    }
}
