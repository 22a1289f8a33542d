import Foundation
import Hummingbird
import HummingbirdTesting
import OutreachModel
import OutreachRegister
import Testing
@testable import OutreachWeb

/// A one-click POST reads its contact in the unsubscribe's own transaction (no read of its own):
/// the page it answers still names the right person in their language, the ledger's evidence
/// still names the campaign, whether the daemon knew the campaign before or not.
@Suite struct OneClickContactTests {
    func oneClick(_ client: any TestClientProtocol, _ path: String) async throws -> TestResponse {
        try await client.execute(uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                 body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
    }

    @Test func thePageNamesThePersonInTheirLanguageOnTheFirstClickOfACampaignAndTheNext() async throws {
        let f = try Fixture()
        #expect(f.web.campaignFacts(f.campaign.id!) == nil, "the daemon has not seen the campaign yet")
        try await f.test { client in
            let vi = try await oneClick(client, f.path(.unsubscribe, f.lan))
            #expect(vi.status == .ok)
            #expect(vi.text.contains("<html lang=\"vi\""))
            #expect(vi.text.contains("class=\"address\">lan@example.vn<"))
            let en = try await oneClick(client, f.path(.unsubscribe, f.john))
            #expect(en.status == .ok)
            #expect(en.text.contains("<html lang=\"en\""))
            #expect(en.text.contains("class=\"address\">john@example.com<"))
            #expect(!en.text.contains("lan@example.vn"), "no one else's address")
        }
        for person in [f.lan, f.john] {
            let p = try f.profile(person)
            #expect(p.suppressed && p.consent == "withdrawn")
            #expect(p.history.last?.evidence?.contains("one-click from campaign tet") == true, "\(String(describing: p.history.last?.evidence))")
        }
        #expect(try f.profile(f.pending).suppressed == false, "only those two")
    }

    @Test func aClickOfAnErasedPersonAnswers200AndLeavesTheErasureAsItWas() async throws {
        let f = try Fixture()
        try f.register.forget(email: f.lan.email, actor: "staff")
        try await f.test { client in
            let r = try await oneClick(client, f.path(.unsubscribe, f.lan))
            #expect(r.status == .ok)
            #expect(!r.text.contains("lan@example.vn"), "nothing is left to show")
        }
        #expect(try f.register.suppressionReason(of: f.lan.address) == .erased, "not weakened to an unsubscribe")
        #expect(try f.register.contact(email: f.lan.email) == nil, "no contact comes back")
    }
}
