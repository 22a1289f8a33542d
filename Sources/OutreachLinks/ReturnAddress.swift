import OutreachModel

/// The addresses at the bounce mailbox (`bounces.address`) that carry a signed token in their
/// local part: `bounces+TOKEN@domain`. As the envelope sender of a message (VERP), it is where
/// the relays' delivery reports come back, and the token says which campaign and contact a report
/// is about. As the `mailto:` of List-Unsubscribe, a mail to it unsubscribes that person.
public struct ReturnAddress: Sendable {
    /// The part before `+` (`bounces`) and the domain of `bounces.address`.
    public let localPart: String
    public let domain: String
    public let signer: LinkSigner

    /// `address`: `bounces.address`, e.g. `bounces@cantho.gov.vn`.
    public init(address: EmailAddress, signer: LinkSigner) {
        let value = address.value
        let at = value.lastIndex(of: "@")!
        localPart = String(value[..<at])
        domain = String(value[value.index(after: at)...])
        self.signer = signer
    }

    /// The envelope sender for the message of `campaignID` to `contactID`.
    public func envelopeSender(contactID: Int64, campaignID: Int64) -> String {
        address(token: signer.addressToken(.bounce, contactID: contactID, campaignID: campaignID))
    }

    /// The `mailto:` unsubscribe of List-Unsubscribe for `contactID` (RFC 2369).
    public func unsubscribeMailto(contactID: Int64, campaignID: Int64) -> String {
        "mailto:" + address(token: signer.addressToken(.unsubscribe, contactID: contactID, campaignID: campaignID)) + "?subject=unsubscribe"
    }

    /// The claim of the token in `address` when it is one of ours and genuine; nil otherwise
    /// (another address, a forged or altered token).
    public func claim(in address: String) -> LinkClaim? {
        guard let at = address.lastIndex(of: "@"),
              address[address.index(after: at)...].lowercased() == domain.lowercased() else { return nil }
        let local = address[..<at]
        guard let plus = local.firstIndex(of: "+"), local[..<plus].lowercased() == localPart.lowercased() else { return nil }
        return signer.openAddressToken(String(local[local.index(after: plus)...]))
    }

    /// The claim of the token a Message-ID of ours starts with (`<TOKEN.random@domain>`); nil
    /// for any other Message-ID.
    public func claim(inMessageID messageID: String) -> LinkClaim? {
        var id = Substring(messageID)
        if id.hasPrefix("<") { id = id.dropFirst() }
        guard let dot = id.firstIndex(of: ".") else { return nil }
        return signer.openAddressToken(String(id[..<dot]))
    }

    /// The address at the bounce mailbox that carries `token` (from `LinkSigner.addressToken`).
    public func address(token: String) -> String { "\(localPart)+\(token)@\(domain)" }
}
