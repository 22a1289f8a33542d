import GRDB

extension Register {
    /// "rules-outbox-lease-token": a claimed row carries the token of the claim that holds it, so
    /// the outcome of a worker whose lease ran out (the row requeued, perhaps claimed again by
    /// another worker) is recognized as lost instead of landing on someone else's claim.
    static func registerRulesLeaseMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("rules-outbox-lease-token") { db in
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN lease_token INTEGER")
        }
    }
}
