import Testing
@testable import OutreachLinks

/// Tokens already sent in messages must keep opening: the bytes a signer writes for a claim are
/// fixed (these values were written by the first version of the signer, before its speed-ups).
@Suite struct TokenStabilityTests {
    let signer = LinkSigner(secrets: ["stable secret for the tests, thirty-two bytes or more"])

    @Test func aLinkTokenIsTheSameAsEver() {
        let token = signer.token(.unsubscribe, contactID: 42, campaignID: 7)
        // The same bytes as ever since version 2 (the version signed too), written with `~` for `e`
        // (no random e in visible text: MIXED_ES).
        #expect(token == "AvbBWXWP15HRGgx7jG-yARnbkXqzAdcaiUn-dAmJCfQlaw")
        #expect(signer.open(token)?.contactID == 42)
        // Version 1's token (the tag over the payload alone), in both spellings sent, keeps opening.
        #expect(signer.open("AZ4DjN8YbW7JjkaPB08MvlqosOvkXsSX5YXD8H5lT~k06w")?.contactID == 42)
        #expect(signer.open("AZ4DjN8YbW7JjkaPB08MvlqosOvkXsSX5YXD8H5lTek06w")?.contactID == 42)
        // One spelling of the bytes: the last character's four unused bits must be zero (`x` is
        // `w` with the lowest set), and no padding or standard base64's `+` and `/`.
        #expect(signer.open("AZ4DjN8YbW7JjkaPB08MvlqosOvkXsSX5YXD8H5lT~k06x") == nil)
        #expect(signer.open("AZ4DjN8YbW7JjkaPB08MvlqosOvkXsSX5YXD8H5lT~k0==") == nil)
        #expect(signer.open("AZ4DjN8YbW7JjkaPB08MvlqosOvkXsSX5YXD8H5lT+k06w") == nil)
    }

    @Test func anAddressTokenIsTheSameAsEver() {
        let token = signer.addressToken(.bounce, contactID: 9_007_199_254_740_993, campaignID: 3)
        #expect(token == "kf5gr423dhqmme34caxlnmuv7oeiwhhhc7sayvhg6n6a")
        #expect(signer.openAddressToken(token)?.campaignID == 3)
    }
}
