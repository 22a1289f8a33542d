import Foundation
import GRDB
import OutreachModel

extension Register {
    /// Merges `rows` (one per address) into the register in one transaction, with a record of the
    /// run; `dryRun` rolls it all back. See `importContacts(actor:dryRun:progress:lap:reading:)`.
    package func importContacts(_ rows: [ImportedContact], run: ImportRun, actor: String, dryRun: Bool,
                               progress: ((Int, Int) -> Void)? = nil, lap: (String) -> Void = { _ in }) throws -> ImportCounts {
        try importContacts(actor: actor, dryRun: dryRun, progress: progress, lap: lap) { stage in
            try stage(rows)
            return run
        }
    }

    /// Merges the rows that `reading` hands to `stage` (a batch at a time, in file order) into the
    /// register in one transaction, with a record of the run that `reading` returns; `dryRun`
    /// rolls it all back. Rows that name the same person are merged: the last is taken whole.
    /// Suppression wins: a suppressed or erased address is never added, and a person who withdrew
    /// is never changed. `lap` names each step as it ends (`contacts import --timing`).
    ///
    /// Memory stays bounded whatever the file's size: each batch is staged in a temporary table
    /// (on disk) and let go; duplicates, suppressions and the people the register already holds
    /// are then found in SQL, and the new contacts are inserted in file order with one
    /// `INSERT … SELECT` per table. Duplicates are looked for only among the rows whose address
    /// a filter of the staged ones (`AddressesSeen`) flags: a file without a repeated address is
    /// never sorted (a sort of every staged row cost more than the rest of the merge).
    package func importContacts(actor: String, dryRun: Bool, progress: ((Int, Int) -> Void)? = nil, lap: (String) -> Void = { _ in },
                               reading: (_ stage: ([ImportedContact]) throws -> Void) throws -> ImportRun) throws -> ImportCounts {
        var counts = ImportCounts()
        try dbWriter.writeWithoutTransaction { db in
            // A bounded page cache for the whole file (pages past it spill to the WAL), and
            // staging tables in a temporary file, not in memory; the old settings come back after.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA main.cache_size") ?? -2000
            let tempCacheSize = try Int.fetchOne(db, sql: "PRAGMA temp.cache_size") ?? -2000
            let tempStore = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? 0
            let autocheckpoint = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1000
            try db.execute(sql: "PRAGMA temp_store = FILE; PRAGMA main.cache_size = -\(Self.importCacheKiB.main); PRAGMA temp.cache_size = -\(Self.importCacheKiB.temp)")
            // As a launch does: the commit syncs the WAL (durable when the command says so);
            // copying the rows into the database file (a checkpoint: a second write of them and a
            // second sync) is left to the daemon's background checkpointer, not done right after
            // the commit nor, while a daemon runs, when the command closes (without a daemon the
            // close checkpoints and leaves no -wal behind).
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            leaveCheckpointToTheDaemon(db)
            defer {
                try? db.execute(sql: """
                    PRAGMA main.cache_size = \(cacheSize); PRAGMA temp.cache_size = \(tempCacheSize); PRAGMA temp_store = \(tempStore);
                    PRAGMA wal_autocheckpoint = \(autocheckpoint)
                    """)
            }
            try db.inTransaction {
                var staging = try ImportStaging(db)
                defer { staging.drop() }
                var run = try reading { rows in try staging.stage(rows) }
                lap("stage rows")
                counts.duplicates = try staging.mergeDuplicates()
                lap("find and merge duplicates")
                counts.suppressed = try staging.removeSuppressed()
                try staging.mergeExisting(counts: &counts, source: run.source, actor: actor, now: run.startedAt)
                lap("match the register")
                counts.added = try staging.insertNew(source: run.source, actor: actor, now: run.startedAt, progress: progress)
                lap("insert contacts and ledger rows")
                run.duplicates = counts.duplicates.count
                run.record(counts)
                try run.insert(db)
                return dryRun ? .rollback : .commit
            }
        }
        return counts
    }

    /// The page caches of an import, in KiB: the register's and the staging tables'. With the
    /// rows of one batch, they are most of an import's memory.
    static let importCacheKiB = (main: 49_152, temp: 16_384)
}

/// The temporary table an import stages its rows in, and the steps that merge them.
struct ImportStaging {
    let db: Database
    private let insert: BulkStatement
    private let suppressed: Set<String>
    private let encoder: JSONEncoder
    private var seen = AddressesSeen()
    /// Whether a staged row's address may have been staged before (`AddressesSeen`).
    private var anyRepeated = false

    init(_ db: Database) throws {
        self.db = db
        try db.execute(sql: """
            CREATE TEMP TABLE import_rows (
                key TEXT NOT NULL, row INTEGER NOT NULL, email TEXT, name TEXT,
                addressed_as TEXT, honorific TEXT, kind TEXT, country TEXT, city TEXT, language TEXT,
                organization TEXT, tags TEXT, attributes TEXT, consent_given INTEGER NOT NULL,
                consent_stated INTEGER NOT NULL, evidence TEXT, suppressed INTEGER NOT NULL, repeated INTEGER NOT NULL)
            """)
        insert = try BulkStatement(db, sql: "INSERT INTO temp.import_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        suppressed = try SuppressionList.allHashes(db)
        encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
    }

    func drop() { try? db.execute(sql: "DROP TABLE IF EXISTS temp.import_rows; DROP TABLE IF EXISTS temp.import_repeats") }

    /// Stages one batch of rows.
    mutating func stage(_ rows: [ImportedContact]) throws {
        for row in rows {
            insert.bind(1, row.address.key)
            insert.bind(2, Int64(row.row))
            // Most addresses are written as their key: those are staged once (the rows are
            // sorted and copied whole, so every byte left out is work saved).
            insert.bind(3, row.address.value == row.address.key ? nil : row.address.value)
            insert.bind(4, row.name)
            insert.bind(5, row.addressedAs)
            insert.bind(6, row.honorific)
            insert.bind(7, row.kind?.rawValue)
            insert.bind(8, row.country)
            insert.bind(9, row.city)
            insert.bind(10, row.language)
            insert.bind(11, row.organization)
            insert.bind(12, row.tags.isEmpty ? nil : String(decoding: try encoder.encode(row.tags), as: UTF8.self))
            insert.bind(13, row.attributes.isEmpty ? nil : String(decoding: try encoder.encode(row.attributes), as: UTF8.self))
            insert.bind(14, row.consentGiven ? 1 : 0)
            insert.bind(15, row.consentStated ? 1 : 0)
            insert.bind(16, row.evidence)
            // Matched by hash, so that erased addresses stay out too.
            insert.bind(17, !suppressed.isEmpty && suppressed.contains(row.address.hash) ? 1 : 0)
            let repeated = seen.insert(row.address.key)
            anyRepeated = anyRepeated || repeated
            insert.bind(18, repeated ? 1 : 0)
            try insert.execute()
        }
    }

    /// Of the rows of one person, the last is taken whole, no field mixed in from an earlier one
    /// (a later row is a correction). Only the rows of addresses the filter flagged are looked
    /// at: they are sorted (by key, ties in file order; SQLite's sorter, external, bounded
    /// memory) into `import_repeats`, whose rowids then follow that order. Returns each pair of
    /// rows merged, in the order of their keys.
    func mergeDuplicates() throws -> [ImportDuplicate] {
        guard anyRepeated else { return [] }
        try db.execute(sql: """
            CREATE TEMP TABLE import_repeats AS
            SELECT rowid AS staged, key, row, coalesce(email, key) AS email FROM temp.import_rows
            WHERE key IN (SELECT key FROM temp.import_rows WHERE repeated) ORDER BY key, row
            """)
        // Rowids are dense and in key order here: a row and the next one with the same key are
        // a pair, found in SQL (a rowid lookup each) rather than by reading every row back.
        var duplicates: [ImportDuplicate] = []
        var earlier: [Int64] = []
        let pairs = try Row.fetchCursor(db, sql: """
            SELECT e.row, l.row, l.email, e.staged FROM temp.import_repeats e JOIN temp.import_repeats l ON l.rowid = e.rowid + 1
            WHERE l.key = e.key ORDER BY e.rowid
            """)
        while let r = try pairs.next() {
            duplicates.append(ImportDuplicate(email: r[2], earlier: r[0], later: r[1]))
            earlier.append(r[3])
        }
        let delete = try BulkStatement(db, sql: "DELETE FROM temp.import_rows WHERE rowid = ?")
        for rowid in earlier {
            delete.bind(1, rowid)
            try delete.execute()
        }
        return duplicates
    }

    /// Leaves out the rows of suppressed addresses (no contact is ever inserted for one); returns
    /// how many.
    func removeSuppressed() throws -> Int {
        guard !suppressed.isEmpty else { return 0 }
        try db.execute(sql: "DELETE FROM temp.import_rows WHERE suppressed = 1")
        return db.changesCount
    }

    /// Folds the rows of people the register already holds into their contacts (a page of rows
    /// at a time, in file order), and takes those rows out of the staging table.
    func mergeExisting(counts: inout ImportCounts, source: String, actor: String, now: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contacts)") == true else { return }
        let delete = try BulkStatement(db, sql: "DELETE FROM temp.import_rows WHERE rowid = ?")
        var after: Int64 = 0
        while true {
            let page = try Row.fetchAll(db, sql: """
                SELECT \(Contact.selection), r.rowid, r.* FROM temp.import_rows r JOIN contacts c ON c.email_key = r.key
                WHERE r.rowid > ? ORDER BY r.rowid LIMIT 2000
                """, arguments: [after])
            guard !page.isEmpty else { return }
            for found in page {
                let contact = try Contact(row: found)
                let row = try Self.importedContact(found, from: Contact.columnCount + 1)
                try Register.merge(row, into: contact, db: db, counts: &counts, source: "import:\(source)#row \(row.row)",
                                   actor: actor, now: now, encoder: encoder)
                after = found[Contact.columnCount]
                delete.bind(1, after)
                try delete.execute()
            }
        }
    }

    /// A staged row read back, its columns starting at `index`.
    static func importedContact(_ r: Row, from index: Int) throws -> ImportedContact {
        let decoder = JSONDecoder()
        let tags: String? = r[index + 11], attributes: String? = r[index + 12]
        var row = ImportedContact(row: r[index + 1], address: try EmailAddress((r[index + 2] as String?) ?? r[index]), name: r[index + 3],
                                  addressedAs: r[index + 4], honorific: r[index + 5],
                                  kind: (r[index + 6] as String?).flatMap(ContactKind.init(rawValue:)),
                                  country: r[index + 7], city: r[index + 8], language: r[index + 9], organization: r[index + 10],
                                  tags: try tags.map { try decoder.decode([String].self, from: Data($0.utf8)) } ?? [],
                                  attributes: try attributes.map { try decoder.decode([String: String].self, from: Data($0.utf8)) } ?? [:],
                                  consentGiven: r[index + 13], evidence: r[index + 15])
        row.consentStated = r[index + 14]
        return row
    }

    /// Inserts the rows left (people new to the register) as contacts with their ledger rows;
    /// returns how many.
    func insertNew(source: String, actor: String, now: String, progress: ((Int, Int) -> Void)?) throws -> Int {
        let staged = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(max(rowid), 0) FROM temp.import_rows")!
        let added: Int = staged[0]
        progress?(0, added)
        let first = (try Int64.fetchOne(db, sql: "SELECT max(id) FROM contacts") ?? 0) + 1
        // Rowids follow file order: the same numbering in both statements gives each row its id.
        // When no row was taken out, the rowids are already 1…n; else they are counted again
        // (a window over every row, which SQLite copies aside first).
        let number = added == staged[1] as Int ? "rowid" : "row_number() OVER (ORDER BY rowid)"
        try db.execute(sql: """
            INSERT INTO contacts (id, email, email_key, name, addressed_as, honorific, kind, country, city,
                language, organization, tags, attributes, consent_status, created_at, updated_at)
            SELECT ?1 + \(number) - 1, coalesce(email, key), key, coalesce(name, ''), addressed_as, honorific,
                coalesce(kind, 'other'), country, city, language, organization, coalesce(tags, '[]'), coalesce(attributes, '{}'),
                CASE consent_given WHEN 1 THEN 'granted' ELSE 'pending' END, ?2, ?2
            FROM temp.import_rows ORDER BY rowid
            """, arguments: [first, now])
        try db.execute(sql: """
            INSERT INTO consents (contact_id, status, purpose, source, evidence, actor, recorded_at)
            SELECT ?1 + \(number) - 1, CASE consent_given WHEN 1 THEN 'granted' ELSE 'pending' END,
                ?2, 'import:' || ?3 || '#row ' || row, evidence, ?4, ?5
            FROM temp.import_rows ORDER BY rowid
            """, arguments: [first, Consent.invitationPurpose, source, actor, now])
        progress?(added, added)
        return added
    }
}
