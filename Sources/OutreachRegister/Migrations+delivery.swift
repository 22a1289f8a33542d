import GRDB

extension Register {
    /// "delivery-v2": the partial index on `sending` rows goes. Every claim added an entry to it
    /// and every outcome removed one, a page written at each of those commits, for a search the
    /// scheduler makes four times a second over a few dozen rows, which `outbox_progress`
    /// (campaign, state, due) serves as well (`Outbox.requeueLeases`).
    static func registerDeliveryMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("delivery-v2") { db in
            try db.execute(sql: "DROP INDEX outbox_leases")
        }
    }
}
