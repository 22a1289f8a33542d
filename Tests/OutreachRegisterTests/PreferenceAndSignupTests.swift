import Foundation
import OutreachModel
@testable import OutreachRegister
import Testing

/// Topics, pauses and sign-ups in the register: who a campaign of a topic reaches, the ledger of
/// preference changes, and the limits on confirmation mails.
@Suite struct PreferenceAndSignupTests {
    let register: Register

    init() throws {
        register = try Register()
        let rows = try (1...3).map { try ImportedContact(row: $0 + 1, address: EmailAddress("p\($0)@example.org"), consentGiven: true) }
        _ = try register.importContacts(rows, run: ImportRun(fileName: "t.csv", fileSha256: "-", source: "t.csv", rowsRead: 3,
                                                             duplicates: 0, rejected: 0, startedAt: "now"),
                                        actor: "test", dryRun: false)
    }

    func id(_ n: Int) throws -> Int64 { try register.contact(email: "p\(n)@example.org")!.id! }

    func launched(topic: String?, slug: String) throws -> Int {
        var draft = Campaign(slug: slug, templateName: "t", purpose: .invitation, templateSnapshot: "{}", eventFile: nil,
                             eventSnapshot: nil, segment: "", subject: nil, createdAt: "now")
        draft.topic = topic
        _ = try register.insert(draft)
        return try register.launch(slug).total
    }

    func request(_ email: String, ip: String = "192.0.2.1", topics: [String] = ["culture"]) throws -> SignupRequest {
        SignupRequest(address: try EmailAddress(email), name: "Anna Müller", language: "de", kind: .foreignResident, country: "DE",
                      topics: topics, source: "join", evidence: "form=join-v1; sentence=\"I agree\"", ip: ip)
    }

    @Test func aCampaignOfATopicReachesThoseWhoChoseItAndThoseWhoChoseNone() async throws {
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(topics: ["culture"]), evidence: "test")
        _ = try await register.updatePreferences(contactID: try id(2), PreferenceUpdate(topics: ["trade", "tet"]), evidence: "test")
        #expect(try launched(topic: "culture", slug: "folk") == 2)  // p1 (culture) and p3 (no topic)
        #expect(try launched(topic: "tet", slug: "tet") == 2)       // p2 and p3
        #expect(try launched(topic: nil, slug: "all") == 3)
        #expect(try register.contacts(in: Segment("topic=trade")).map(\.contact.email) == ["p2@example.org", "p3@example.org"])
    }

    @Test func aPausedPersonIsSkippedUntilTheDate() async throws {
        _ = try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(pausedUntil: "2199-01-01"), evidence: "test")
        _ = try await register.updatePreferences(contactID: try id(2), PreferenceUpdate(pausedUntil: "2020-01-01"), evidence: "test")
        #expect(try launched(topic: nil, slug: "now") == 2)
        #expect(try register.profile(email: "p1@example.org").pausedUntil == "2199-01-01")
    }

    @Test func eachChangedFieldIsOneLedgerRowAndRepeatingChangesNothing() async throws {
        let update = PreferenceUpdate(language: "fr", topics: ["tourism", "culture"], pausedUntil: "2027-03-01", name: "Lan", addressedAs: "Lan")
        let changed = try await register.updatePreferences(contactID: try id(1), update, evidence: "ip=192.0.2.9")
        #expect(changed == ["language", "topics", "paused_until", "name", "addressed_as"])
        #expect(try await register.updatePreferences(contactID: try id(1), update, evidence: "again").isEmpty)
        let full = try register.profile(email: "p1@example.org", full: true)
        #expect(full.topics == ["culture", "tourism"])
        #expect(full.language == "fr")
        #expect(full.preferenceChanges?.map(\.field) == ["language", "topics", "paused_until", "name", "addressed_as"])
        #expect(full.preferenceChanges?[1].newValue == "[\"culture\",\"tourism\"]")
        // Ending the pause is a change too.
        #expect(try await register.updatePreferences(contactID: try id(1), PreferenceUpdate(pausedUntil: ""), evidence: "x") == ["paused_until"])
        #expect(try register.profile(email: "p1@example.org").pausedUntil == nil)
    }

    @Test func oneConfirmationMailPerAddressPerDayAndNoneToASuppressedAddress() async throws {
        try register.suppress(try EmailAddress("gone@example.org"), reason: .complaint)
        var verdicts: [SignupVerdict] = []
        for (n, email) in ["new@example.org", "NEW@example.org", "gone@example.org", "new@example.org"].enumerated() {
            verdicts.append(try await register.requestSignup(try request(email), challenge: "c\(n)", challengeExpiresMs: Timestamp.milliseconds() + 86_400_000,
                                                             perIPPerHour: 100))
        }
        guard case .mailQueued = verdicts[0] else { Issue.record("first request not mailed: \(verdicts)"); return }
        #expect(Array(verdicts.dropFirst()) == [.noMail, .noMail, .noMail])
        #expect(try await register.personalMail(to: "new@example.org").map(\.kind) == ["join-confirm"])
        #expect(try await register.personalMail(to: "gone@example.org").isEmpty)
        // A day later the address may be sent another.
        let tomorrow = Timestamp.milliseconds() + 86_400_001
        guard case .mailQueued = try await register.requestSignup(try request("new@example.org"), challenge: "later",
                                                                 challengeExpiresMs: tomorrow + 60_000, perIPPerHour: 100, nowMs: tomorrow)
        else { Issue.record("not mailed a day later"); return }
    }

    @Test func aChallengeIsGoodOnceAndAnIPOnlySoOftenAnHour() async throws {
        let expires = Timestamp.milliseconds() + 86_400_000
        _ = try await register.requestSignup(try request("a@example.org"), challenge: "same", challengeExpiresMs: expires, perIPPerHour: 2)
        #expect(try await register.requestSignup(try request("b@example.org"), challenge: "same", challengeExpiresMs: expires, perIPPerHour: 2) == .challengeSpent)
        _ = try await register.requestSignup(try request("c@example.org"), challenge: "two", challengeExpiresMs: expires, perIPPerHour: 2)
        #expect(try await register.requestSignup(try request("d@example.org"), challenge: "three", challengeExpiresMs: expires, perIPPerHour: 2) == .tooMany)
        guard case .mailQueued = try await register.requestSignup(try request("d@example.org", ip: "192.0.2.2"), challenge: "four",
                                                                 challengeExpiresMs: expires, perIPPerHour: 2)
        else { Issue.record("another IP was refused"); return }
    }

    @Test func confirmingASignUpCreatesTheContactWithConsentAndTheEvidence() async throws {
        guard case .mailQueued(let id) = try await register.requestSignup(try request("anna@example.de"), challenge: "x",
                                                                         challengeExpiresMs: Timestamp.milliseconds() + 86_400_000, perIPPerHour: 9)
        else { Issue.record("not mailed"); return }
        #expect(try register.contact(email: "anna@example.de") == nil)  // nothing but a pending request yet
        #expect(try await register.confirmSignup(id: id, confirmEvidence: "ip=192.0.2.1", maxAgeMs: 86_400_000) == .confirmed)
        let p = try register.profile(email: "anna@example.de")
        #expect(p.consent == "granted")
        #expect(p.topics == ["culture"] && p.language == "de" && p.country == "DE" && p.kind == "foreign_resident")
        #expect(p.history.last?.source == "join")
        #expect(p.history.last?.evidence?.contains("sentence=\"I agree\"") == true)
        #expect(p.history.last?.evidence?.contains("confirmed: ip=192.0.2.1") == true)
        // Confirming again changes nothing and still says confirmed.
        #expect(try await register.confirmSignup(id: id, confirmEvidence: "again", maxAgeMs: 86_400_000) == .confirmed)
        #expect(try register.profile(email: "anna@example.de").history.count == 1)
    }

    @Test func aSignUpCannotLiftAComplaintAndAnOldRequestExpires() async throws {
        let expires = Timestamp.milliseconds() + 86_400_000
        guard case .mailQueued(let id) = try await register.requestSignup(try request("p1@example.org"), challenge: "x",
                                                                         challengeExpiresMs: expires, perIPPerHour: 9)
        else { Issue.record("not mailed"); return }
        try register.suppress(try EmailAddress("p1@example.org"), reason: .complaint)
        #expect(try await register.confirmSignup(id: id, confirmEvidence: "-", maxAgeMs: 86_400_000) == .refused)
        #expect(try register.profile(email: "p1@example.org").topics.isEmpty)  // the form's choices were not applied
        guard case .mailQueued(let old) = try await register.requestSignup(try request("p2@example.org"), challenge: "y",
                                                                          challengeExpiresMs: expires, perIPPerHour: 9)
        else { Issue.record("not mailed"); return }
        #expect(try await register.confirmSignup(id: old, confirmEvidence: "-", maxAgeMs: 86_400_000,
                                                 nowMs: Timestamp.milliseconds() + 86_400_001) == .expired)
        #expect(try await register.confirmSignup(id: 999, confirmEvidence: "-", maxAgeMs: 1) == .unknown)
    }
}
