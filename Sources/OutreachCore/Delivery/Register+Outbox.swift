import GRDB

extension Register {
    /// Outbox rows of a campaign per state.
    public func outboxCounts(campaignID: Int64) throws -> [String: Int] {
        try writer.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM outbox WHERE campaign_id = ? GROUP BY state", arguments: [campaignID]) {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }
}
