import GRDB

extension Register {
    /// "signup-v1": people manage their own consent. A contact's chosen topics and pause; a
    /// campaign's topic; the ledger of preference changes (one row per changed field, append-only);
    /// sign-up requests (pending until their link is confirmed; they are the per-address and
    /// per-IP limits' memory); spent proof-of-work challenges (each is good once); the personal
    /// mails the daemon sends outside campaigns (sign-up confirmations, preference links).
    /// CHECKs are written as `=` alternatives, as `register-v2` rewrote the others.
    static func registerSignupMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("signup-v1") { db in
            try db.execute(sql: """
                ALTER TABLE contacts ADD COLUMN topics TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(topics));
                ALTER TABLE contacts ADD COLUMN paused_until TEXT;
                ALTER TABLE campaigns ADD COLUMN topic TEXT;
                CREATE TABLE preference_changes (
                    id INTEGER PRIMARY KEY,
                    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                    field TEXT NOT NULL CHECK (field = 'language' OR field = 'topics' OR field = 'paused_until' OR field = 'name'
                        OR field = 'addressed_as' OR field = 'kind' OR field = 'country'),
                    old_value TEXT,
                    new_value TEXT,
                    source TEXT NOT NULL,
                    evidence TEXT,
                    actor TEXT NOT NULL,
                    recorded_at TEXT NOT NULL
                );
                CREATE INDEX preference_changes_by_contact ON preference_changes(contact_id, id);
                CREATE TRIGGER preference_changes_append_only BEFORE UPDATE ON preference_changes
                BEGIN SELECT RAISE(ABORT, 'the preference ledger is append-only'); END;
                CREATE TABLE signup_requests (
                    id INTEGER PRIMARY KEY,
                    email TEXT NOT NULL,
                    address_hash TEXT NOT NULL,
                    name TEXT NOT NULL DEFAULT '',
                    language TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    country TEXT,
                    topics TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(topics)),
                    source TEXT NOT NULL,
                    evidence TEXT NOT NULL,
                    ip TEXT NOT NULL,
                    mailed INTEGER NOT NULL DEFAULT 0,
                    requested_at_ms INTEGER NOT NULL,
                    confirmed_at TEXT
                );
                CREATE INDEX signup_requests_by_address ON signup_requests(address_hash, requested_at_ms);
                CREATE INDEX signup_requests_by_ip ON signup_requests(ip, requested_at_ms);
                CREATE TABLE spent_challenges (
                    challenge TEXT PRIMARY KEY,
                    expires_at_ms INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX spent_challenges_by_expiry ON spent_challenges(expires_at_ms);
                CREATE TABLE personal_mail (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind = 'join-confirm' OR kind = 'preference-link'),
                    email TEXT NOT NULL,
                    language TEXT NOT NULL,
                    subject_id INTEGER NOT NULL,
                    state TEXT NOT NULL DEFAULT 'queued' CHECK (state = 'queued' OR state = 'sent' OR state = 'failed'),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    queued_at_ms INTEGER NOT NULL,
                    due_at_ms INTEGER NOT NULL,
                    sent_at_ms INTEGER,
                    last_reply TEXT
                );
                CREATE INDEX personal_mail_due ON personal_mail(state, due_at_ms);
                """)
        }
    }
}
