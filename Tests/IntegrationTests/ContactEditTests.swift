import Foundation
import Testing

/// One contact at a time: `contacts add` and `contacts edit`, every change in the ledger.
@Suite struct ContactEditTests {
    /// The ledger rows of `email` as (status, source, evidence).
    func ledger(_ w: Workspace, _ email: String) throws -> [(String, String, String)] {
        let history = try #require(try w.show(email)?["history"] as? [[String: Any]])
        return history.map { ($0["status"] as? String ?? "", $0["source"] as? String ?? "", $0["evidence"] as? String ?? "") }
    }

    @Test func addRecordsTheContactAndItsConsentEvidence() throws {
        let w = try Workspace()
        let r = try w.outreach("contacts", "add", "Dung.Nguyen@Example.DE", "--name", "Nguyễn Văn Dũng", "--addressed-as", "Anh Dũng",
                               "--language", "vi", "--kind", "kiều bào", "--country", "Germany", "--city", "Berlin",
                               "--tag", "tet", "--tag", "Yoga", "--consent", "granted", "--source", "phone call 2026-12-07")
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try w.show("dung.nguyen@example.de"))
        #expect(c["email"] as? String == "Dung.Nguyen@example.de")
        #expect(c["kind"] as? String == "overseas_vietnamese" && c["country"] as? String == "DE" && c["language"] as? String == "vi")
        #expect(c["tags"] as? [String] == ["tet", "yoga"] && c["consent"] as? String == "granted")
        #expect(try ledger(w, "Dung.Nguyen@example.de").map(\.2) == ["phone call 2026-12-07"])
        let twice = try w.outreach("contacts", "add", "dung.nguyen@example.de")
        #expect(twice.status != 0 && twice.stderr.contains("already in the register"), "\(twice.stderr)")
        let noSource = try w.outreach("contacts", "add", "b@example.org", "--consent", "granted")
        #expect(noSource.status != 0 && noSource.stderr.contains("--source"))
        #expect(try w.show("b@example.org") == nil)
        #expect(try w.outreach("contacts", "add", "c@example.org", "--kind", "alien").status != 0)
    }

    @Test func aSuppressedAddressIsNotAdded() throws {
        let w = try Workspace()
        #expect(try w.outreach("contacts", "unsubscribe", "gone@example.org").status == 0)
        let r = try w.outreach("contacts", "add", "gone@example.org", "--consent", "granted", "--source", "form")
        #expect(r.status != 0 && r.stderr.contains("suppressed"), "\(r.stderr)")
        #expect(try w.show("gone@example.org")?["consent"] as? String != "granted")
    }

    @Test func editChangesFieldsAndTagsWithALedgerRow() throws {
        let w = try Workspace()
        try w.outreach("contacts", "add", "an@example.org", "--name", "An", "--tag", "tet", "--tag", "yoga", "--consent", "granted", "--source", "form")
        let r = try w.outreach("contacts", "edit", "an@example.org", "--name", "Trần An", "--language", "en", "--tag", "-yoga", "--tag", "+fair")
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try w.show("an@example.org"))
        #expect(c["name"] as? String == "Trần An" && c["language"] as? String == "en")
        #expect(c["tags"] as? [String] == ["tet", "fair"])
        let rows = try ledger(w, "an@example.org")
        #expect(rows.count == 2 && rows[1].0 == "granted" && rows[1].1 == "staff:edit", "consent unchanged: \(rows)")
        #expect(rows[1].2.contains("name: An → Trần An") && rows[1].2.contains("tags: tet|yoga → tet|fair"), "\(rows[1].2)")
    }

    /// The address changes, the person's consent history stays theirs with a row old → new; the
    /// old address stays suppressed if it was.
    @Test func anAddressChangeKeepsTheHistory() throws {
        let w = try Workspace()
        try w.outreach("contacts", "add", "old@example.org", "--name", "Lan", "--consent", "granted", "--source", "sign-up sheet")
        let r = try w.outreach("contacts", "edit", "old@example.org", "--email", "new@example.org")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try w.show("old@example.org") == nil)
        let c = try #require(try w.show("new@example.org"))
        #expect(c["consent"] as? String == "granted" && c["name"] as? String == "Lan")
        let rows = try ledger(w, "new@example.org")
        #expect(rows.map(\.1) == ["staff:add", "staff:address"])
        #expect(rows[0].2 == "sign-up sheet" && rows[1].2 == "old@example.org → new@example.org")
    }

    @Test func anAddressChangeOntoASuppressedAddressIsRefusedAndTheOldSuppressionStays() throws {
        let w = try Workspace()
        try w.outreach("contacts", "add", "lan@example.org", "--consent", "granted", "--source", "form")
        #expect(try w.outreach("contacts", "unsubscribe", "blocked@example.org").status == 0)
        let refused = try w.outreach("contacts", "edit", "lan@example.org", "--email", "blocked@example.org")
        #expect(refused.status != 0 && refused.stderr.contains("blocked@example.org is suppressed"), "\(refused.stderr)")
        #expect(try w.show("lan@example.org")?["email"] as? String == "lan@example.org", "nothing changed")
        // Lan unsubscribes, then gives a new address: the old one stays suppressed.
        #expect(try w.outreach("contacts", "unsubscribe", "lan@example.org").status == 0)
        #expect(try w.outreach("contacts", "edit", "lan@example.org", "--email", "lan.new@example.org").status == 0)
        let r = try w.outreach("contacts", "add", "lan@example.org", "--consent", "granted", "--source", "form")
        #expect(r.status != 0 && r.stderr.contains("suppressed"), "the old address stays suppressed: \(r.stderr)")
        let vi = try Workspace()
        vi.environment["LANG"] = "vi_VN.UTF-8"
        #expect(try vi.outreach("contacts", "unsubscribe", "x@example.org").status == 0)
        try vi.outreach("contacts", "add", "y@example.org")
        let viRefused = try vi.outreach("contacts", "edit", "y@example.org", "--email", "x@example.org")
        #expect(viRefused.stderr.contains("x@example.org đang bị chặn gửi"), "\(viRefused.stderr)")
    }
}
