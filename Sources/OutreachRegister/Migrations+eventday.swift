import GRDB

extension Register {
    /// "eventday-v1": seats, the waitlist and its offers, and who came.
    ///
    /// - `rsvps.seat`: what a yes holds when the event has a capacity: `confirmed`, `waitlisted`
    ///   or `offered` (a freed seat offered to a waitlisted person until `offer_expires_at_ms`);
    ///   nil for a no, or a yes to an event without a capacity.
    /// - `rsvps.waitlist_position`: the order of the waitlist (the order answers arrived).
    /// - `rsvps.offer_mailed_at_ms`: when the offer mail was written to the outbox (nil: not yet).
    /// - `rsvps.ticket_mailed_at_ms`: when the ticket mail (`seat-confirmed`) was queued.
    /// - `checkins`: one row per ticket scanned at the door (person and guest number), unique, so a
    ///   second scan finds the first; `walk_ins`: people added at the desk.
    static func registerEventDayMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("eventday-v1") { db in
            try db.execute(sql: """
                ALTER TABLE rsvps ADD COLUMN seat TEXT CHECK (seat IS NULL OR seat IN ('confirmed','waitlisted','offered'));
                ALTER TABLE rsvps ADD COLUMN waitlist_position INTEGER;
                ALTER TABLE rsvps ADD COLUMN offer_expires_at_ms INTEGER;
                ALTER TABLE rsvps ADD COLUMN offer_mailed_at_ms INTEGER;
                ALTER TABLE rsvps ADD COLUMN ticket_mailed_at_ms INTEGER;
                CREATE INDEX rsvps_by_seat ON rsvps(campaign_id, seat, waitlist_position);
                CREATE TABLE checkins (
                    id INTEGER PRIMARY KEY,
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
                    guest INTEGER NOT NULL CHECK (guest >= 0),
                    code_hash TEXT NOT NULL,
                    scanned_at TEXT NOT NULL,
                    place TEXT NOT NULL,
                    UNIQUE (campaign_id, code_hash)
                );
                CREATE INDEX checkins_by_contact ON checkins(campaign_id, contact_id);
                CREATE TABLE walk_ins (
                    id INTEGER PRIMARY KEY,
                    campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
                    email TEXT CHECK (email IS NULL OR length(email) <= 320),
                    consent_asked TEXT CHECK (consent_asked IS NULL OR consent_asked IN ('granted','declined')),
                    place TEXT NOT NULL,
                    added_at TEXT NOT NULL
                );
                """)
        }
    }
}
