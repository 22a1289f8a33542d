import Foundation
import CSQLite
import GRDB

/// A campaign's recipients by language, as `campaign create` and `preview` report them.
public struct RecipientSummary: Sendable {
    public var total = 0
    /// Messages per language they will be written in.
    public var byLanguage: [String: Int] = [:]
    /// Recipients whose own language the template lacks (they get a fallback).
    public var fallbacks = 0
}

extension Register {
    /// SQL selecting the recipients of `campaign` (contacts aliased `c`): the segment, with the
    /// consent the template may go to (granted; pending only for a consent request), never suppressed.
    static func recipientsCondition(segment: Segment, purpose: InvitationTemplate.Purpose) -> (String, StatementArguments) {
        let (condition, arguments) = segment.sql
        let consent = purpose == .consentRequest ? "pending" : "granted"
        return ("(\(condition)) AND \(ConsentLedger.currentStatusSQL) = '\(consent)' AND NOT \(SuppressionList.suppressedSQL)", arguments)
    }

    /// Creates a draft: the template's texts and the event are copied into the campaign.
    public func createCampaign(slug: String, templateName: String, templatesRoot: String, eventFile: String?,
                               segment: String, subject: String?) throws -> (Campaign, RecipientSummary) {
        guard !slug.isEmpty, slug.utf8.count <= 64, slug.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }) else {
            throw CampaignError.badSlug(slug)
        }
        let parsedSegment = try Segment(segment)
        let template = try InvitationTemplate.load(name: templateName, from: templatesRoot)
        var event: Event?
        if let eventFile {
            event = try Event.load(path: eventFile)
        }
        if template.purpose == .consentRequest, parsedSegment.terms.contains(where: { $0.key == .consent && $0.values != ["pending"] }) {
            throw CampaignError.noRecipient("a consent request goes only to contacts whose consent is pending; drop the consent term")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var campaign = Campaign(
            id: nil, slug: slug, templateName: templateName, purpose: template.purpose,
            templateSnapshot: String(decoding: try encoder.encode(template), as: UTF8.self),
            eventFile: eventFile, eventSnapshot: try event.map { String(decoding: try encoder.encode($0), as: UTF8.self) },
            segment: parsedSegment.description, subject: subject.map(HeaderEncoding.singleLine), status: .draft,
            scheduledAtMs: nil, createdAt: Timestamp.string(), launchedAt: nil, finishedAt: nil)
        try writer.write { db in
            if try Campaign.filter(Column("slug") == slug).fetchCount(db) > 0 { throw CampaignError.slugTaken(slug) }
            try campaign.insert(db)
        }
        return (campaign, try recipientSummary(campaign))
    }

    /// Who the campaign would reach now, by language.
    public func recipientSummary(_ campaign: Campaign) throws -> RecipientSummary {
        let template = try campaign.template
        var summary = RecipientSummary()
        for (language, count) in try recipientLanguages(campaign) {
            let (chosen, fallback) = template.language(for: language)
            summary.total += count
            summary.byLanguage[chosen, default: 0] += count
            if fallback { summary.fallbacks += count }
        }
        return summary
    }

    private func recipientLanguages(_ campaign: Campaign) throws -> [(String?, Int)] {
        let (condition, arguments) = Register.recipientsCondition(segment: try Segment(campaign.segment), purpose: campaign.purpose)
        return try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT c.language, count(*) FROM contacts c WHERE \(condition) GROUP BY c.language", arguments: arguments)
                .map { ($0[0], $0[1]) }
        }
    }

    /// The recipients themselves (or the one asked for), by address.
    public func recipients(_ campaign: Campaign, only email: String? = nil) throws -> [Contact] {
        var (condition, arguments) = Register.recipientsCondition(segment: try Segment(campaign.segment), purpose: campaign.purpose)
        if let email {
            guard let address = try? EmailAddress(email) else { throw ContactCommandError.notFound(email) }
            condition += " AND c.email_key = ?"
            arguments += [address.key]
        }
        return try writer.read { db in
            try Contact.fetchAll(db, sql: "SELECT c.* FROM contacts c WHERE \(condition) ORDER BY c.id", arguments: arguments)
        }
    }

    public func campaign(_ slug: String) throws -> Campaign {
        try writer.read { db in try Campaign.named(slug, db) }
    }

    public func allCampaigns() throws -> [Campaign] {
        try writer.read { db in try Campaign.order(Column("id")).fetchAll(db) }
    }

    /// Writes the outbox rows (segment ∩ consent ∩ not suppressed) in one transaction. Launching
    /// again adds only people who were not queued yet. `at`: start then, not now.
    @discardableResult
    public func launch(_ slug: String, at start: Date? = nil, now: Date = Date()) throws -> (campaign: Campaign, added: Int, total: Int) {
        try writer.writeWithoutTransaction { db in
            // Every outbox row written here names the campaign read in this transaction and a
            // contact selected from `contacts` by the same statement: checking each against its
            // parent tables again (the foreign keys) would cost a quarter of the launch.
            // (The pragma cannot change inside a transaction, hence outside.)
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            // Durable when the command says so: this commit syncs the WAL. Copying the rows from
            // the WAL into the database file (a checkpoint, and a second sync) is left to the
            // daemon's background checkpointer rather than done when the command closes.
            let synchronous = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? 1
            let autocheckpoint = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1000
            try db.execute(sql: "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0")
            defer { try? db.execute(sql: "PRAGMA synchronous = \(synchronous); PRAGMA wal_autocheckpoint = \(autocheckpoint)") }
            _ = outreach_sqlite_no_checkpoint_on_close(db.sqliteConnection)
            var result: (Campaign, Int, Int)!
            try db.inTransaction(.immediate) {
                var campaign = try Campaign.named(slug, db)
                guard [.draft, .scheduled, .running, .paused, .finished].contains(campaign.status) else {
                    throw CampaignError.badState(slug, campaign.status, "launch")
                }
                let (condition, arguments) = Register.recipientsCondition(segment: try Segment(campaign.segment), purpose: campaign.purpose)
                let nowMs = Timestamp.milliseconds(now)
                let startMs = start.map { Timestamp.milliseconds($0) } ?? nowMs
                // Counted before the insert: nothing on a first launch, so no scan of what it adds.
                let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM outbox WHERE campaign_id = ?", arguments: [campaign.id]) ?? 0
                try db.execute(sql: """
                    INSERT INTO outbox (campaign_id, contact_id, state, next_attempt_at_ms, queued_at_ms, updated_at_ms)
                    SELECT ?, c.id, 'queued', ?, ?, ? FROM contacts c WHERE \(condition)
                    ON CONFLICT (campaign_id, contact_id) DO NOTHING
                    """, arguments: StatementArguments([campaign.id, startMs, nowMs, nowMs]) + arguments)
                let added = db.changesCount
                if campaign.status != .paused {
                    campaign.status = startMs > nowMs ? .scheduled : .running
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
}
