import Foundation
import Testing
@testable import OutreachLinks

@Suite struct LinkSignerTests {
    let signer = LinkSigner(secrets: ["current-secret"])

    @Test func aTokenOpensToItsClaimAndRevealsNoId() {
        let token = signer.token(.unsubscribe, contactID: 42, campaignID: 7)
        #expect(signer.open(token) == LinkClaim(purpose: .unsubscribe, contactID: 42, campaignID: 7))
        #expect(signer.open(token, as: .rsvp) == nil)
        // Consecutive ids give unrelated tokens: nothing to enumerate.
        let next = signer.token(.unsubscribe, contactID: 43, campaignID: 7)
        let common = zip(token.dropFirst(2), next.dropFirst(2)).filter { $0 == $1 }.count
        #expect(common < 10)
    }

    @Test func forgedTruncatedAndBitFlippedTokensAreRefused() {
        let token = signer.token(.confirm, contactID: 1, campaignID: 2)
        #expect(signer.open(String(token.dropLast())) == nil)
        #expect(signer.open(token + "A") == nil)
        #expect(LinkSigner(secrets: ["other"]).open(token) == nil)
        var bytes = Array(token.utf8)
        var accepted = 0
        for i in 0..<bytes.count {
            let original = bytes[i]
            for replacement in Array("AbZ9-_q".utf8) where replacement != original {
                bytes[i] = replacement
                if signer.open(String(decoding: bytes, as: UTF8.self)) != nil { accepted += 1 }
            }
            bytes[i] = original
        }
        #expect(accepted == 0)
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for _ in 0..<20_000 {
            let forged = String((0..<46).map { _ in alphabet.randomElement(using: &random)! })
            #expect(signer.open(forged) == nil)
        }
    }

    @Test func olderSecretsStayValidAfterRotation() {
        let old = LinkSigner(secrets: ["old"]).token(.rsvp, contactID: 5, campaignID: 9)
        let rotated = LinkSigner(secrets: ["new", "old"])
        #expect(rotated.open(old)?.contactID == 5)
        #expect(LinkSigner(secrets: ["new"]).open(old) == nil)
    }
}
