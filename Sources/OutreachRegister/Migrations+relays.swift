import GRDB
import OutreachModel

extension Register {
    /// "relays-v1": what delivery through real relays needs to keep.
    /// - outbox rows may be `unconfirmed`: the final reply was lost twice; never sent again
    ///   unless staff asks (`campaign retry --unconfirmed`);
    /// - `outbox.relay`: which relay accepted a message (`campaign status` counts per relay);
    /// - `campaigns.pause_reason`: why the daemon paused a campaign (the relay's own words);
    /// - `relays`: each relay's state as the daemon last saw it, so `campaign status` (another
    ///   process) can show it.
    static func registerRelaysMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("relays-v1") { db in
            try rewriteTableDefinitions(db, migration: "relays-v1", edits: [
                ("outbox", "state = 'cancelled')", "state = 'cancelled' OR state = 'unconfirmed')"),
            ])
            try db.execute(sql: """
                ALTER TABLE outbox ADD COLUMN relay TEXT;
                ALTER TABLE campaigns ADD COLUMN pause_reason TEXT;
                CREATE TABLE relays (
                    url TEXT PRIMARY KEY,
                    state TEXT NOT NULL CHECK (state = 'up' OR state = 'cooling' OR state = 'faulted'),
                    reason TEXT,
                    until_ms INTEGER,
                    updated_at TEXT NOT NULL
                ) WITHOUT ROWID;
                """)
        }
    }
}
