import CSQLite
import Foundation
import GRDB
import OutreachModel

extension Register {
    /// Stores a new draft; its slug must be free.
    package func insert(_ campaign: Campaign) throws -> Campaign {
        var campaign = campaign
        try dbWriter.write { db in
            if try Campaign.filter(Campaign.Columns.slug == campaign.slug).fetchCount(db) > 0 { throw CampaignError.slugTaken(campaign.slug) }
            try campaign.insert(db)
        }
        return campaign
    }

    /// How many people the campaign would reach now, by their own language (nil: none given).
    package func recipientLanguages(_ campaign: Campaign) throws -> [(language: String?, kind: ContactKind, count: Int)] {
        let (condition, arguments) = try Audience.condition(for: campaign, nowMs: Timestamp.milliseconds())
        return try dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT c.language, c.kind, count(*) FROM contacts c WHERE \(condition) GROUP BY c.language, c.kind",
                             arguments: arguments)
                .map { ($0[0], ($0[1] as String?).flatMap(ContactKind.init(rawValue:)) ?? .other, $0[2]) }
        }
    }

    /// Whether the campaign would reach anybody now: stops at the first recipient (a launch that
    /// asks nobody to confirm needs no count by language).
    package func hasRecipients(_ campaign: Campaign) throws -> Bool {
        let (condition, arguments) = try Audience.condition(for: campaign, nowMs: Timestamp.milliseconds())
        return try dbWriter.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contacts c WHERE \(condition))", arguments: arguments) ?? false
        }
    }

    /// The recipients themselves (or the one asked for), by id.
    package func recipients(_ campaign: Campaign, only email: String? = nil) throws -> [Contact] {
        var (condition, arguments) = try Audience.condition(for: campaign, nowMs: Timestamp.milliseconds())
        if let email {
            guard let address = try? EmailAddress(email) else { throw ContactCommandError.notFound(email) }
            condition += " AND c.email_key = ?"
            arguments += [address.key]
        }
        // With each person's answer to the invitation, for a reminder or notice.
        let answer = campaign.parentId.map { "(SELECT r.answer FROM rsvps r WHERE r.campaign_id = \($0) AND r.contact_id = c.id)" } ?? "NULL"
        let tickets = campaign.parentId == nil ? "NULL" : Audience.ticketsSQL.replacingOccurrences(of: "?", with: "\(campaign.id ?? -1)")
        return try dbWriter.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Contact.selection), \(answer), \(tickets) FROM contacts c WHERE \(condition) ORDER BY c.id",
                             arguments: arguments).map { row in
                var contact = try Contact(row: row)
                contact.invitationAnswer = row[Contact.columnCount]
                contact.tickets = row[Contact.columnCount + 1]
                return contact
            }
        }
    }

    package func campaign(_ slug: String) throws -> Campaign {
        try dbWriter.read { db in try Campaign.named(slug, db) }
    }

    /// The same read for the daemon's HTTP side: it waits without holding an event-loop thread.
    package func campaign(named slug: String) async throws -> Campaign {
        try await dbWriter.read { db in try Campaign.named(slug, db) }
    }

    package func allCampaigns() throws -> [Campaign] {
        try dbWriter.read { db in try Campaign.order(Campaign.Columns.id).fetchAll(db) }
    }

    /// Writes the outbox rows (segment ∩ consent ∩ not suppressed) in one transaction. Launching
    /// again adds only people who were not queued yet. `at`: start then, not now (a reminder
    /// without it starts at its own time). A reminder or notice queues its parent's recipients
    /// (`Audience.followUpCondition`); more are added when it starts, and each is checked again
    /// right before sending.
    @discardableResult
    package func launch(_ slug: String, at start: Date? = nil, now: Date = Date()) throws -> (campaign: Campaign, added: Int, total: Int) {
        try dbWriter.writeWithoutTransaction { db in
            // Every outbox row written here names the campaign read in this transaction and a
            // contact selected from `contacts` by the same statement: checking each against its
            // parent tables again (the foreign keys) is work for nothing.
            // (The pragma cannot change inside a transaction, hence outside.)
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            // Durable when the command says so: this commit syncs the WAL. Copying the rows from
            // the WAL into the database file (a checkpoint, and a second sync) is left to the
            // daemon's background checkpointer rather than done when the command closes, while a
            // daemon runs (without one the close checkpoints and leaves no -wal behind, owned by
            // whoever ran the command).
            let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 1
            let autocheckpoint = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1000
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0")
            defer { try? db.execute(sql: "PRAGMA synchronous = \(synchronous); PRAGMA wal_autocheckpoint = \(autocheckpoint)") }
            leaveCheckpointToTheDaemon(db)
            var result: (Campaign, Int, Int)!
            try db.inTransaction(.immediate) {
                var campaign = try Campaign.named(slug, db)
                let nowMs = Timestamp.milliseconds(now)
                // A reminder without --at goes at its own time (`event-2d`…), never before now.
                let startMs = max(start.map { Timestamp.milliseconds($0) } ?? campaign.reminderDate.map { Timestamp.milliseconds($0) } ?? nowMs,
                                  start == nil ? nowMs : Int64.min)
                // The campaign's next phase is `CampaignTransition`'s answer; a refusal stops it before anything is queued.
                try campaign.take(.launch(startsLater: startMs > nowMs))
                let (condition, arguments) = try Audience.condition(for: campaign, nowMs: Timestamp.milliseconds(now))
                // Counted before the insert: nothing on a first launch, so no scan of what it adds.
                let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE campaign_id = ?", arguments: [campaign.id]) ?? 0
                // The tally trigger would run a program per inserted row (a third of a launch's
                // time): this connection's triggers are off for the one statement, which adds its
                // rows to the tally once. Other connections (the daemon) keep theirs.
                let added = try Self.withoutTriggers(db) {
                    try db.execute(sql: """
                        INSERT INTO outbox (campaign_id, contact_id, state, next_attempt_at_ms, queued_at_ms, updated_at_ms)
                        SELECT ?, c.id, 'queued', ?, ?, ? FROM contacts c WHERE \(condition)
                        ON CONFLICT (campaign_id, contact_id) DO NOTHING
                        """, arguments: StatementArguments([campaign.id, startMs, nowMs, nowMs]) + arguments)
                    return db.changesCount
                }
                if added > 0 {
                    try db.execute(sql: """
                        INSERT INTO outbox_tallies (campaign_id, state, n) VALUES (?, 'queued', ?)
                        ON CONFLICT (campaign_id, state) DO UPDATE SET n = n + excluded.n
                        """, arguments: [campaign.id, added])
                }
                campaign.scheduledAtMs = startMs
                campaign.launchedAt = campaign.launchedAt ?? Timestamp.string(now)
                campaign.finishedAt = nil
                try campaign.update(db)
                result = (campaign, added, before + added)
                return .commit
            }
            return result
        }
    }

    /// Runs `body` with this connection's triggers off (other connections keep theirs).
    private static func withoutTriggers<T>(_ db: Database, _ body: () throws -> T) rethrows -> T {
        _ = outreach_sqlite_enable_triggers(db.sqliteConnection, 0)
        defer { _ = outreach_sqlite_enable_triggers(db.sqliteConnection, 1) }
        return try body()
    }
}
