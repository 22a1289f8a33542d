import GRDB

extension Register {
    /// "staff-tallies": counters the staff page and the report read instead of counting the
    /// outbox (a million rows would take ~100 ms per refresh). Kept by triggers, so every writer
    /// (the daemon, every CLI command) keeps them without knowing.
    /// - `outbox_tallies`: rows per campaign and state;
    /// - `delivery_hours`: per campaign and hour (Unix ms / 3,600,000), how many rows became
    ///   sent, retry, failed or unconfirmed in that hour: one per attempt's outcome.
    static func registerStaffMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("staff-tallies") { db in
            try db.execute(sql: """
                CREATE TABLE outbox_tallies (
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    state TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (campaign_id, state)
                ) WITHOUT ROWID;
                CREATE TABLE delivery_hours (
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    hour INTEGER NOT NULL,
                    outcome TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (campaign_id, hour, outcome)
                ) WITHOUT ROWID;
                INSERT INTO outbox_tallies SELECT campaign_id, state, count(*) FROM outbox GROUP BY campaign_id, state;
                INSERT INTO delivery_hours
                    SELECT campaign_id, coalesce(sent_at_ms, updated_at_ms) / 3600000, state, count(*) FROM outbox
                    WHERE state IN ('sent','retry','failed','unconfirmed') GROUP BY 1, 2, 3;
                CREATE TRIGGER outbox_tally_insert AFTER INSERT ON outbox BEGIN
                    INSERT INTO outbox_tallies (campaign_id, state, n) VALUES (NEW.campaign_id, NEW.state, 1)
                        ON CONFLICT (campaign_id, state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER outbox_tally_delete AFTER DELETE ON outbox BEGIN
                    UPDATE outbox_tallies SET n = n - 1 WHERE campaign_id = OLD.campaign_id AND state = OLD.state;
                END;
                CREATE TRIGGER outbox_tally_update AFTER UPDATE OF state ON outbox WHEN NEW.state IS NOT OLD.state BEGIN
                    UPDATE outbox_tallies SET n = n - 1 WHERE campaign_id = OLD.campaign_id AND state = OLD.state;
                    INSERT INTO outbox_tallies (campaign_id, state, n) VALUES (NEW.campaign_id, NEW.state, 1)
                        ON CONFLICT (campaign_id, state) DO UPDATE SET n = n + 1;
                END;
                CREATE TRIGGER outbox_hour_update AFTER UPDATE OF state ON outbox
                WHEN NEW.state IS NOT OLD.state AND NEW.state IN ('sent','retry','failed','unconfirmed') BEGIN
                    INSERT INTO delivery_hours (campaign_id, hour, outcome, n) VALUES (NEW.campaign_id, NEW.updated_at_ms / 3600000, NEW.state, 1)
                        ON CONFLICT (campaign_id, hour, outcome) DO UPDATE SET n = n + 1;
                END;
                """)
        }
    }
}
