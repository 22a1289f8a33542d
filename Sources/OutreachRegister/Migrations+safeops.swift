import GRDB

extension Register {
    /// Who did what (the audit log, append-only), who created and approved each campaign (the
    /// two-person rule), and the fingerprint of the link secret the register's links are signed with.
    static func registerSafeOpsMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("safeops-audit-approval-secret") { db in
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    user TEXT NOT NULL,
                    command TEXT NOT NULL,
                    arguments TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(arguments))
                );
                CREATE INDEX audit_log_by_time ON audit_log(at);
                -- When, who and what never change; an erased person's address is taken out of the arguments.
                CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE OF at, user, command ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TABLE campaign_approvals (
                    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id) ON DELETE CASCADE,
                    created_by TEXT NOT NULL,
                    approved_by TEXT,
                    approved_at TEXT
                );
                -- What a cancellation stopped, so that deleting it while a draft puts it back.
                CREATE TABLE cancellation_stopped_campaigns (
                    notice_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    status TEXT NOT NULL,
                    finished_at TEXT,
                    PRIMARY KEY (notice_id, campaign_id)
                );
                CREATE TABLE cancellation_stopped_messages (
                    notice_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    campaign_id INTEGER NOT NULL,
                    contact_id INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    PRIMARY KEY (notice_id, campaign_id, contact_id)
                );
                CREATE TABLE link_secret (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    fingerprint TEXT NOT NULL,
                    recorded_at TEXT NOT NULL
                );
                """)
        }
    }
}
