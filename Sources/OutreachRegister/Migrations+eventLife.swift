import GRDB

extension Register {
    /// "event-life-v1": reminders, change notices and cancellations follow an invitation campaign
    /// (their parent).
    ///
    /// - `kind`: what a campaign is in an event's life (`invitation` for every campaign before).
    /// - `parent_id`, `parent_slug`: the invitation a follow-up belongs to (the slug makes the
    ///   calendar UID each person got, so updates move the entry their calendar already has).
    /// - `send_at`: a reminder's time as staff gave it (`event-2d` or ISO 8601).
    /// - `event_sequence`: the iCalendar SEQUENCE of the event as this campaign shows it; on an
    ///   invitation, the latest one (each notice adds one).
    /// - `previous_event_snapshot`: on a change notice, the event before the change (old → new).
    /// - `event_cancelled_at`: when the event was cancelled (set on the invitation and on the
    ///   cancellation): its RSVP pages then say so and take no answer.
    static func registerEventLifeMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("event-life-v1") { db in
            try db.execute(sql: """
                ALTER TABLE campaigns ADD COLUMN kind TEXT NOT NULL DEFAULT 'invitation'
                    CHECK (kind = 'invitation' OR kind = 'reminder' OR kind = 'update' OR kind = 'cancellation');
                ALTER TABLE campaigns ADD COLUMN parent_id INTEGER REFERENCES campaigns(id) ON DELETE CASCADE;
                ALTER TABLE campaigns ADD COLUMN parent_slug TEXT;
                ALTER TABLE campaigns ADD COLUMN send_at TEXT;
                ALTER TABLE campaigns ADD COLUMN event_sequence INTEGER NOT NULL DEFAULT 0 CHECK (event_sequence >= 0);
                ALTER TABLE campaigns ADD COLUMN previous_event_snapshot TEXT
                    CHECK (previous_event_snapshot IS NULL OR json_valid(previous_event_snapshot));
                ALTER TABLE campaigns ADD COLUMN event_cancelled_at TEXT;
                CREATE INDEX campaigns_by_parent ON campaigns(parent_id) WHERE parent_id IS NOT NULL;
                """)
        }
    }
}
