import GRDB
import OutreachModel

extension Register {
    /// The schema, one named migration per stage. A shipped migration is never edited: add one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("register-v1") { db in
            try db.execute(sql: """
                CREATE TABLE contacts (
                    id INTEGER PRIMARY KEY,
                    email TEXT NOT NULL,
                    email_key TEXT NOT NULL UNIQUE,
                    address_hash TEXT NOT NULL,
                    name TEXT NOT NULL DEFAULT '',
                    addressed_as TEXT,
                    honorific TEXT,
                    kind TEXT NOT NULL DEFAULT 'other'
                        CHECK (kind IN ('overseas_vietnamese','foreign_resident','partner','other')),
                    country TEXT,
                    city TEXT,
                    language TEXT,
                    organization TEXT,
                    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
                    attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
                    -- Kept by the triggers below from the ledger and the suppression list (the
                    -- sources of truth), so launching a campaign needs no subquery per contact.
                    consent_status TEXT,
                    suppressed INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                );
                CREATE INDEX contacts_by_hash ON contacts(address_hash);
                CREATE TABLE consents (
                    id INTEGER PRIMARY KEY,
                    contact_id INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
                    address_hash TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('granted','pending','withdrawn')),
                    purpose TEXT NOT NULL DEFAULT 'event-invitations',
                    source TEXT NOT NULL,
                    evidence TEXT,
                    actor TEXT NOT NULL,
                    recorded_at TEXT NOT NULL
                );
                CREATE INDEX consents_by_contact ON consents(contact_id, id);
                CREATE TRIGGER consents_append_only BEFORE UPDATE ON consents
                BEGIN SELECT RAISE(ABORT, 'the consent ledger is append-only'); END;
                CREATE TABLE suppressions (
                    id INTEGER PRIMARY KEY,
                    address_hash TEXT NOT NULL UNIQUE,
                    email TEXT,
                    reason TEXT NOT NULL
                        CHECK (reason IN ('unsubscribed','hard-bounce','complaint','erased','staff')),
                    detail TEXT,
                    created_at TEXT NOT NULL
                );
                CREATE TRIGGER contacts_consent_follows_ledger AFTER INSERT ON consents
                WHEN NEW.contact_id IS NOT NULL
                    AND NEW.status IS NOT (SELECT consent_status FROM contacts WHERE id = NEW.contact_id)
                BEGIN UPDATE contacts SET consent_status = NEW.status WHERE id = NEW.contact_id; END;
                CREATE TRIGGER contacts_suppressed_on_insert AFTER INSERT ON contacts
                WHEN EXISTS (SELECT 1 FROM suppressions WHERE address_hash = NEW.address_hash)
                BEGIN UPDATE contacts SET suppressed = 1 WHERE id = NEW.id; END;
                CREATE TRIGGER contacts_suppressed_follows_list AFTER INSERT ON suppressions
                BEGIN UPDATE contacts SET suppressed = 1 WHERE address_hash = NEW.address_hash; END;
                CREATE TRIGGER contacts_unsuppressed_follows_list AFTER DELETE ON suppressions
                BEGIN UPDATE contacts SET suppressed = 0 WHERE address_hash = OLD.address_hash; END;
                CREATE TABLE import_runs (
                    id INTEGER PRIMARY KEY,
                    file_name TEXT NOT NULL,
                    file_sha256 TEXT NOT NULL,
                    source TEXT NOT NULL,
                    rows_read INTEGER NOT NULL DEFAULT 0,
                    added INTEGER NOT NULL DEFAULT 0,
                    updated INTEGER NOT NULL DEFAULT 0,
                    unchanged INTEGER NOT NULL DEFAULT 0,
                    duplicates INTEGER NOT NULL DEFAULT 0,
                    rejected INTEGER NOT NULL DEFAULT 0,
                    suppressed INTEGER NOT NULL DEFAULT 0,
                    started_at TEXT NOT NULL,
                    finished_at TEXT
                );
                """)
        }
        registerCampaignMigrations(&migrator)
        registerChecksMigration(&migrator)
        registerRegisterV2Migration(&migrator)
        registerRelaysMigration(&migrator)
        registerEventLifeMigration(&migrator)
        registerHardeningMigration(&migrator)
        registerBouncesMigration(&migrator)
        registerDeliveryMigration(&migrator)
        registerBounceMailboxURLMigration(&migrator)
        registerSafeOpsMigration(&migrator)
        registerSignupMigration(&migrator)
        registerStaffMigration(&migrator)
        registerRulesLeaseMigration(&migrator)
        registerEventDayMigration(&migrator)
        registerSignup2Migration(&migrator)
        return migrator
    }
}
