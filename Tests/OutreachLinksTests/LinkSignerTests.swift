import Foundation
import Testing
@testable import OutreachLinks
import OutreachModel

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

@Suite struct ReturnAddressTests {
    let signer = LinkSigner(secrets: ["current-secret"])
    var returnAddress: ReturnAddress { ReturnAddress(address: try! EmailAddress("bounces@cantho.gov.vn"), signer: signer) }

    @Test func theEnvelopeSenderNamesCampaignAndContactWithoutShowingThem() {
        let sender = returnAddress.envelopeSender(contactID: 42, campaignID: 7)
        #expect(sender.hasPrefix("bounces+") && sender.hasSuffix("@cantho.gov.vn"))
        let local = sender.split(separator: "@")[0]
        #expect(local.utf8.count <= 64)
        #expect(local.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "+" })
        #expect(returnAddress.claim(in: sender) == LinkClaim(purpose: .bounce, contactID: 42, campaignID: 7))
        // Some mail systems upper-case local parts; the domain is compared without case too.
        #expect(returnAddress.claim(in: sender.uppercased()) == LinkClaim(purpose: .bounce, contactID: 42, campaignID: 7))
    }

    @Test func theMailtoUnsubscribeCarriesAnUnsubscribeClaim() throws {
        let mailto = returnAddress.unsubscribeMailto(contactID: 5, campaignID: 9)
        #expect(mailto.hasPrefix("mailto:bounces+") && mailto.hasSuffix("@cantho.gov.vn?subject=unsubscribe"))
        let address = String(mailto.dropFirst("mailto:".count).prefix { $0 != "?" })
        #expect(returnAddress.claim(in: address) == LinkClaim(purpose: .unsubscribe, contactID: 5, campaignID: 9))
    }

    @Test func aMessageIDStartingWithAnAddressTokenNamesItsMessage() {
        let token = signer.addressToken(.bounce, contactID: 8, campaignID: 3)
        #expect(returnAddress.claim(inMessageID: "<\(token).77e1@cantho.gov.vn>") == LinkClaim(purpose: .bounce, contactID: 8, campaignID: 3))
        #expect(returnAddress.claim(inMessageID: "\(token).77e1@cantho.gov.vn") == LinkClaim(purpose: .bounce, contactID: 8, campaignID: 3))
        #expect(returnAddress.claim(inMessageID: "<1234.5678@cantho.gov.vn>") == nil)
        #expect(returnAddress.claim(inMessageID: "<\(token.dropLast())x.1@cantho.gov.vn>") == nil)
    }

    @Test func forgedAlteredAndForeignAddressesClaimNothing() {
        let sender = returnAddress.envelopeSender(contactID: 1, campaignID: 2)
        #expect(returnAddress.claim(in: sender.replacingOccurrences(of: "@cantho.gov.vn", with: "@example.org")) == nil)
        #expect(returnAddress.claim(in: sender.replacingOccurrences(of: "bounces+", with: "other+")) == nil)
        #expect(ReturnAddress(address: try! EmailAddress("bounces@cantho.gov.vn"), signer: LinkSigner(secrets: ["other"])).claim(in: sender) == nil)
        var bytes = Array(sender.utf8)
        var accepted = 0
        for i in "bounces+".utf8.count..<("bounces+".utf8.count + 44) {
            let original = bytes[i]
            for replacement in Array("az27q".utf8) where replacement != original {
                bytes[i] = replacement
                if returnAddress.claim(in: String(decoding: bytes, as: UTF8.self)) != nil { accepted += 1 }
            }
            bytes[i] = original
        }
        #expect(accepted == 0)
        // A link token is not an address token and the other way round.
        #expect(signer.openAddressToken(signer.token(.unsubscribe, contactID: 1, campaignID: 2)) == nil)
        #expect(signer.open(signer.addressToken(.unsubscribe, contactID: 1, campaignID: 2)) == nil)
    }
}

/// A link's token is visible text in the plain-text part: no word of it may read as a Bitcoin
/// address to a spam filter (SpamAssassin's __BITCOIN_ID: PDS_BTC_ID and OBFU_BITCOIN, +2.0).
@Suite struct CoinAddressLookalikeTests {
    @Test func wordsThatReadAsBitcoinAddressesAreRecognised() {
        #expect(LinkSigner.looksLikeCoinAddress("AbC-1BvBMSEYstWptqTFn5Au4m4GFg7xJaNVN2~xyz"))
        #expect(LinkSigner.looksLikeCoinAddress("AbC~3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"))
        #expect(LinkSigner.looksLikeCoinAddress("A-bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"))
        // Too short, a character base58 leaves out (0, O, I, l, _), not starting with 1 or 3, or inside a longer word.
        #expect(!LinkSigner.looksLikeCoinAddress("AbC-1BvBMSEYstWptqTFn5Au4m4GF-xyz"))
        #expect(!LinkSigner.looksLikeCoinAddress("AbC-1BvBMSEYstWptqTFn5Au4m4GFg7xJaNVN0~xyz"))
        #expect(!LinkSigner.looksLikeCoinAddress("AbC-1BvBMSEYstWptqTFn5Au4m4GFg7x_aNVN2~xyz"))
        #expect(!LinkSigner.looksLikeCoinAddress("AbC-2BvBMSEYstWptqTFn5Au4m4GFg7xJaNVN2~xyz"))
        #expect(!LinkSigner.looksLikeCoinAddress("AbCx1BvBMSEYstWptqTFn5Au4m4GFg7xJaNVN2~xyz"))
    }

    @Test func noTokenReadsAsABitcoinAddressAndEveryOneOpens() {
        let signer = LinkSigner(secrets: ["coin lookalikes"])
        var avoided = 0
        for contact in Int64(1)...20_000 {
            let claim = LinkClaim(purpose: .unsubscribe, contactID: contact, campaignID: 3)
            let token = signer.token(claim)
            #expect(!LinkSigner.looksLikeCoinAddress(token), "\(token)")
            #expect(signer.open(token) == claim)
            if LinkSigner.unbase64url(token)?.first != 2 { avoided += 1 }
        }
        // About one in three hundred first spellings reads as one: some were written again.
        #expect(avoided > 0)
    }
}
