import GRDB
import OutreachModel

extension Register {
    /// "bounces-v1": what the bounce mailbox learns.
    /// - suppressions may be `unreachable` (3 soft bounces in the contact's last 5 sends);
    /// - `bounces`: one row per report read from the mailbox, and per refusal of a recipient
    ///   during sending: what it said, whom it was about, what it changed;
    /// - `mailboxes`: per mailbox URL, its UIDVALIDITY and the last UID read, and how the last
    ///   poll went (so a failing mailbox shows in `doctor`, not only in a log).
    static func registerBouncesMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("bounces-v1") { db in
            try rewriteTableDefinitions(db, migration: "bounces-v1", edits: [
                ("suppressions", "reason = 'staff')", "reason = 'staff' OR reason = 'unreachable')"),
            ])
            try db.execute(sql: """
                CREATE TABLE bounces (
                    id INTEGER PRIMARY KEY,
                    received_at TEXT NOT NULL,
                    source TEXT NOT NULL CHECK (source = 'mailbox' OR source = 'smtp'),
                    kind TEXT NOT NULL CHECK (kind = 'hard' OR kind = 'soft' OR kind = 'policy' OR kind = 'complaint'
                        OR kind = 'auto-reply' OR kind = 'unsubscribe' OR kind = 'other' OR kind = 'unmatched' OR kind = 'unreadable'),
                    status TEXT,
                    action TEXT,
                    diagnostic TEXT,
                    recipient TEXT,
                    contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
                    campaign_id INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
                    matched_by TEXT,
                    outcome TEXT NOT NULL,
                    mailbox_uid_validity INTEGER,
                    mailbox_uid INTEGER
                );
                CREATE INDEX bounces_by_contact ON bounces(contact_id, campaign_id) WHERE contact_id IS NOT NULL;
                CREATE INDEX bounces_by_mailbox_message ON bounces(mailbox_uid_validity, mailbox_uid) WHERE mailbox_uid IS NOT NULL;
                CREATE TABLE mailboxes (
                    url TEXT PRIMARY KEY,
                    uid_validity INTEGER NOT NULL,
                    last_uid INTEGER NOT NULL,
                    polled_at TEXT,
                    error TEXT
                ) WITHOUT ROWID;
                """)
        }
    }
}
