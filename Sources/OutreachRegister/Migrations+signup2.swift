import GRDB

extension Register {
    /// "signup2-pause-ends": `contacts.paused_until_ms`, the moment a pause ends (the start of the
    /// day after `paused_until` where the person is, or in the office's time zone), so launches
    /// and the check before each send compare moments instead of UTC dates. Pauses set before it
    /// end at midnight after their day at +07:00, `office.time_zone`'s default (Cần Thơ).
    static func registerSignup2Migration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("signup2-pause-ends") { db in
            try db.execute(sql: """
                ALTER TABLE contacts ADD COLUMN paused_until_ms INTEGER;
                UPDATE contacts SET paused_until_ms = (CAST(strftime('%s', paused_until, '+1 day') AS INTEGER) - 7 * 3600) * 1000
                WHERE paused_until IS NOT NULL;
                """)
        }
    }
}
