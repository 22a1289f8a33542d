import GRDB
import OutreachModel

extension Register {
    /// Campaigns, the outbox, test sends and RSVPs. Scheduling columns (`*_at_ms`) hold Unix
    /// milliseconds for cheap comparisons; audit times are ISO 8601 text like the register's.
    static func registerCampaignMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("campaigns-v1") { db in
            try db.execute(sql: """
                CREATE TABLE campaigns (
                    id INTEGER PRIMARY KEY,
                    slug TEXT NOT NULL UNIQUE,
                    template_name TEXT NOT NULL,
                    purpose TEXT NOT NULL CHECK (purpose IN ('invitation','consent-request')),
                    template_snapshot TEXT NOT NULL CHECK (json_valid(template_snapshot)),
                    event_file TEXT,
                    event_snapshot TEXT CHECK (event_snapshot IS NULL OR json_valid(event_snapshot)),
                    segment TEXT NOT NULL DEFAULT '',
                    subject TEXT,
                    status TEXT NOT NULL DEFAULT 'draft'
                        CHECK (status IN ('draft','scheduled','running','paused','cancelled','finished')),
                    unknown_outcomes INTEGER NOT NULL DEFAULT 0,
                    scheduled_at_ms INTEGER,
                    created_at TEXT NOT NULL,
                    launched_at TEXT,
                    finished_at TEXT
                );
                -- Keyed by (campaign, contact) without a rowid: one B-tree for the rows and their
                -- uniqueness, so launching writes half as much. Erasing a contact erases its rows.
                CREATE TABLE outbox (
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                    state TEXT NOT NULL DEFAULT 'queued'
                        CHECK (state IN ('queued','sending','sent','retry','failed','skipped','cancelled')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    unknown_outcomes INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
                    lease_until_ms INTEGER,
                    last_code INTEGER,
                    last_reply TEXT,
                    message_id TEXT,
                    queued_at_ms INTEGER NOT NULL,
                    updated_at_ms INTEGER NOT NULL,
                    sent_at_ms INTEGER,
                    PRIMARY KEY (campaign_id, contact_id)
                ) WITHOUT ROWID;
                -- Serves claims (one state at a time, due first) and the counts per state.
                CREATE INDEX outbox_progress ON outbox(campaign_id, state, next_attempt_at_ms);
                CREATE INDEX outbox_leases ON outbox(lease_until_ms) WHERE state = 'sending';
                CREATE TABLE test_sends (
                    id INTEGER PRIMARY KEY,
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    email TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    reply TEXT,
                    sent_at TEXT NOT NULL
                );
                CREATE TABLE rsvps (
                    id INTEGER PRIMARY KEY,
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                    answer TEXT NOT NULL CHECK (answer IN ('yes','no')),
                    guests INTEGER NOT NULL DEFAULT 0 CHECK (guests BETWEEN 0 AND 10),
                    answered_at TEXT NOT NULL,
                    UNIQUE (campaign_id, contact_id)
                );
                """)
        }
    }
}
