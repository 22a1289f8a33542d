import GRDB
import OutreachModel

extension Register {
    /// "hardening-v1": staff unsubscribes written before they had a reason of their own (reason
    /// `unsubscribed`, detail `staff`) become `staff`, so no confirm link can lift them: only the
    /// person's own unsubscribe is theirs to undo.
    static func registerHardeningMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("hardening-v1") { db in
            try db.execute(sql: "UPDATE suppressions SET reason = 'staff' WHERE reason = 'unsubscribed' AND detail = 'staff'")
        }
    }
}
