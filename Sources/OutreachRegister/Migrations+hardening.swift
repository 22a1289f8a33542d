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

    /// "hardening-bounces-mailbox-url": a bounce read from the mailbox names its mailbox, and a
    /// message is known by (mailbox URL, UIDVALIDITY, UID): after `bounces.mailbox_url` changes,
    /// a new mailbox whose UIDVALIDITY happens to match is not taken as read. Rows from before
    /// belong to the one mailbox read so far, when there was one.
    static func registerBounceMailboxURLMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("hardening-bounces-mailbox-url") { db in
            try db.execute(sql: """
                ALTER TABLE bounces ADD COLUMN mailbox_url TEXT;
                UPDATE bounces SET mailbox_url = (SELECT url FROM mailboxes)
                    WHERE mailbox_uid IS NOT NULL AND (SELECT count(*) FROM mailboxes) = 1;
                DROP INDEX bounces_by_mailbox_message;
                CREATE INDEX bounces_by_mailbox_message ON bounces(mailbox_url, mailbox_uid_validity, mailbox_uid) WHERE mailbox_uid IS NOT NULL;
                """)
        }
    }
}
