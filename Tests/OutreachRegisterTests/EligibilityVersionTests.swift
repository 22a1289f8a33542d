import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// The eligibility version the delivery workers trust a batch's reading by: it moves with every
/// change to who may be mailed, from this register or from another process, and not with
/// delivery's own bookkeeping.
@Suite struct EligibilityVersionTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("eligibility-\(UUID().uuidString)")
    let t0: Int64 = 1_800_000_000_000

    /// A register on a real file, with five consenting contacts and a launched campaign.
    func register() throws -> (Register, String, Int64) {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("outreach.sqlite").path
        let register = try Register(path: path)
        let rows = try (1...5).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 5,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
        let campaign = try register.insert(Campaign(slug: "c", templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                                                    eventSnapshot: nil, segment: "", subject: nil, createdAt: "now"))
        try register.launch("c", now: Date(timeIntervalSince1970: Double(t0) / 1000))
        return (register, path, campaign.id!)
    }

    @Test func anUnsubscribeHereMovesTheVersionAtItsCommit() throws {
        let (register, _, campaign) = try register()
        defer { try? FileManager.default.removeItem(at: folder) }
        let claims = try register.record([], thenClaim: 5, campaignIDs: [campaign], nowMs: t0, leaseMs: 600_000)
        let read = try register.recipients(for: claims, purpose: { _ in .invitation })
        try register.unsubscribe(email: "p2@example.org", source: "test", evidence: nil, actor: "test")
        #expect(register.eligibilityVersion > read.version)
        let before = register.eligibilityVersion
        try register.forget(email: "p3@example.org", actor: "test")
        #expect(register.eligibilityVersion > before, "an erasure moves it too")
    }

    @Test func deliveryOwnClaimsAndOutcomesLeaveItWhereItIs() throws {
        let (register, _, campaign) = try register()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try register.record([], thenClaim: 0, campaignIDs: [], nowMs: t0, leaseMs: 600_000)  // looks at other connections once
        let before = register.eligibilityVersion
        let claims = try register.record([], thenClaim: 5, campaignIDs: [campaign], nowMs: t0, leaseMs: 600_000)
        let read = try register.recipients(for: claims, purpose: { _ in .invitation })
        #expect(read.version == before)
        #expect(read.recipients.count == 5 && read.recipients.allSatisfy { if case .success = $0 { true } else { false } })
        _ = try register.record(claims.map { ($0, .sent(messageID: "<m@x>", code: 250, reply: "250 ok", relay: "smtp://relay")) },
                                thenClaim: 0, campaignIDs: [], nowMs: t0 + 1, leaseMs: 0)
        #expect(register.eligibilityVersion == before, "sending moves nothing that decides who may be mailed")
    }

    @Test func anUnsubscribeFromAnotherProcessMovesItAtTheNextCommitHere() throws {
        let (register, path, campaign) = try register()
        defer { try? FileManager.default.removeItem(at: folder) }
        let claims = try register.record([], thenClaim: 5, campaignIDs: [campaign], nowMs: t0, leaseMs: 600_000)
        let read = try register.recipients(for: claims, purpose: { _ in .invitation })
        // The CLI: another connection to the same file.
        let cli = try Register(path: path)
        try cli.unsubscribe(email: "p4@example.org", source: "test", evidence: nil, actor: "staff")
        _ = try register.record([], thenClaim: 0, campaignIDs: [], nowMs: t0 + 1, leaseMs: 0)  // the daemon's next commit
        #expect(register.eligibilityVersion != read.version)
        let again = try register.recipients(for: claims, purpose: { _ in .invitation })
        let p4 = try #require(claims.firstIndex { claim in
            if case .success(let r)? = read.recipients[claims.firstIndex(of: claim)!] { r.email == "p4@example.org" } else { false }
        })
        guard case .failure? = again.recipients[p4] else { Issue.record("p4 is read as mailable after unsubscribing"); return }
    }

    @Test func theSchedulerStepAlsoSeesAnotherProcess() async throws {
        let (register, path, _) = try register()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await register.advanceCampaigns(nowMs: t0)
        let before = register.eligibilityVersion
        try Register(path: path).unsubscribe(email: "p1@example.org", source: "test", evidence: nil, actor: "staff")
        _ = try await register.advanceCampaigns(nowMs: t0 + 250)
        #expect(register.eligibilityVersion > before)
    }
}
