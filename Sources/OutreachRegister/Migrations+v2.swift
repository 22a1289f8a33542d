import GRDB
import OutreachModel

extension Register {
    /// The value lists of every `CHECK (column IN (...))` in the first migrations.
    ///
    /// SQLite evaluates a constant `IN` list of more than two values by building a temporary
    /// B-tree, and in a CHECK constraint it does so for every row written: opening and closing
    /// that B-tree cost more than the insert itself (an import, a launch and every outbox update
    /// paid it). The same rule written as `column = 'a' OR column = 'b' …` costs a few
    /// comparisons. Same meaning, same stored rows.
    static let enumeratedChecks: [(table: String, column: String, values: [String])] = [
        ("contacts", "kind", ["overseas_vietnamese", "foreign_resident", "partner", "other"]),
        ("consents", "status", ["granted", "pending", "withdrawn"]),
        ("suppressions", "reason", ["unsubscribed", "hard-bounce", "complaint", "erased", "staff"]),
        ("campaigns", "purpose", ["invitation", "consent-request"]),
        ("campaigns", "status", ["draft", "scheduled", "running", "paused", "cancelled", "finished"]),
        ("outbox", "state", ["queued", "sending", "sent", "retry", "failed", "skipped", "cancelled"]),
        ("rsvps", "answer", ["yes", "no"]),
    ]

    /// "checks-as-comparisons": rewrites the CHECK constraints above from `IN (...)` to `OR`ed
    /// comparisons (`rewriteTableDefinitions`). Rows written under the old rule satisfy the new
    /// one: the two say the same thing.
    static func registerChecksMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("checks-as-comparisons") { db in
            try rewriteTableDefinitions(db, migration: "checks-as-comparisons", edits: enumeratedChecks.map { check in
                (check.table,
                 "CHECK (\(check.column) IN (" + check.values.map { "'\($0)'" }.joined(separator: ",") + "))",
                 "CHECK (" + check.values.map { "\(check.column) = '\($0)'" }.joined(separator: " OR ") + ")")
            })
        }
    }

    /// Replaces text in tables' `CREATE TABLE` statements by SQLite's documented procedure for
    /// schema changes that leave the stored content untouched
    /// (https://sqlite.org/lang_altertable.html, "making other kinds of table schema changes"):
    /// edit `sqlite_schema` under `writable_schema`, bump `schema_version`, check integrity.
    /// Fails, naming the migration, when a text to replace is not there.
    static func rewriteTableDefinitions(_ db: Database, migration: String,
                                        edits: [(table: String, old: String, new: String)]) throws {
        var sqlByTable: [String: String] = [:]
        for edit in edits {
            let sql = try sqlByTable[edit.table]
                ?? String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [edit.table])
            guard let sql, sql.contains(edit.old) else {
                throw DatabaseError(message: "migration \(migration): table \(edit.table) has no \(edit.old)")
            }
            sqlByTable[edit.table] = sql.replacingOccurrences(of: edit.old, with: edit.new)
        }
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        for (table, sql) in sqlByTable.sorted(by: { $0.key < $1.key }) {
            try db.execute(sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?", arguments: [sql, table])
        }
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        let verdict = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        guard verdict == ["ok"] else {
            throw DatabaseError(message: "migration \(migration): integrity check says \(verdict.joined(separator: "; "))")
        }
    }
}

extension Register {
    /// "register-v2": the derived columns of `contacts` are written by the code that writes their
    /// sources, and contacts no longer keep their address hash.
    ///
    /// - `consent_status` (the latest ledger row's status) is written by `ConsentLedger.append`
    ///   and by the importer, in the transaction that appends the ledger row; the trigger that did
    ///   it cost a lookup per ledger row.
    /// - `suppressed` still follows the suppression list through triggers, which now find the
    ///   contact by its matching key (the register's unique index): a suppression keeps
    ///   `email_key` unless it was erased, and an erased address has no contact left. No contact
    ///   is ever inserted for a suppressed address: the importer skips them (by hash, so erased
    ///   addresses too).
    /// - `contacts.address_hash` and its index are gone: every insert went to a random place of a
    ///   B-tree as large as the table. The hash is computed when needed (`EmailAddress.hash`).
    ///   The ledger keeps a hash only on rows whose contact was erased.
    static func registerRegisterV2Migration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("register-v2") { db in
            try db.execute(sql: "ALTER TABLE suppressions ADD COLUMN email_key TEXT")
            let update = try db.makeStatement(sql: "UPDATE suppressions SET email_key = ? WHERE id = ?")
            for row in try Row.fetchAll(db, sql: "SELECT id, email FROM suppressions WHERE email IS NOT NULL") {
                guard let address = try? EmailAddress(row["email"] as String) else { continue }
                try update.execute(arguments: [address.key, row["id"] as Int64])
            }
            try db.execute(sql: """
                CREATE INDEX suppressions_by_key ON suppressions(email_key) WHERE email_key IS NOT NULL;
                DROP TRIGGER contacts_consent_follows_ledger;
                DROP TRIGGER contacts_suppressed_on_insert;
                DROP TRIGGER contacts_suppressed_follows_list;
                DROP TRIGGER contacts_unsuppressed_follows_list;
                DROP INDEX contacts_by_hash;
                ALTER TABLE contacts DROP COLUMN address_hash;
                CREATE TRIGGER contacts_suppressed_follows_list AFTER INSERT ON suppressions
                WHEN NEW.email_key IS NOT NULL
                BEGIN UPDATE contacts SET suppressed = 1 WHERE email_key = NEW.email_key; END;
                CREATE TRIGGER contacts_unsuppressed_follows_list AFTER DELETE ON suppressions
                WHEN OLD.email_key IS NOT NULL
                BEGIN UPDATE contacts SET suppressed = 0 WHERE email_key = OLD.email_key; END;
                """)
            // consents.address_hash becomes optional (dropping NOT NULL leaves the stored rows as they are).
            try rewriteTableDefinitions(db, migration: "register-v2",
                                        edits: [("consents", "address_hash TEXT NOT NULL,", "address_hash TEXT,")])
        }
    }
}
