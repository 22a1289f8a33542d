import OutreachModel

/// The URLs built from tokens, all under `http.base_url`.
public struct Links: Sendable {
    public let baseURL: String
    public let signer: LinkSigner
    /// The signed addresses at the bounce mailbox (`bounces.address`); nil when there is none.
    public let returnAddress: ReturnAddress?
    /// Makes the ticket codes (its key comes from the link secret).
    public let tickets: TicketSigner

    public init(baseURL: String, signer: LinkSigner, bounces: EmailAddress? = nil) {
        returnAddress = bounces.map { ReturnAddress(address: $0, signer: signer) }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.signer = signer
        self.tickets = signer.tickets
    }

    public func unsubscribe(contactID: Int64, campaignID: Int64) -> String {
        "\(baseURL)/u/\(signer.token(.unsubscribe, contactID: contactID, campaignID: campaignID))"
    }
    public func confirm(contactID: Int64, campaignID: Int64) -> String {
        "\(baseURL)/c/\(signer.token(.confirm, contactID: contactID, campaignID: campaignID))"
    }
    /// The preference page of a contact (the same link in every message: it names no campaign).
    public func preferences(contactID: Int64) -> String {
        "\(baseURL)/p/\(signer.token(.preferences, contactID: contactID, campaignID: 0))"
    }
    /// The confirmation link of sign-up request `requestID`.
    public func joinConfirm(requestID: Int64) -> String {
        "\(baseURL)/join/confirm/\(signer.token(.join, contactID: requestID, campaignID: 0))"
    }
    /// The sign-up page, or an event's (`slug`: the source recorded with the consent).
    public func join(event slug: String? = nil) -> String {
        "\(baseURL)/join" + (slug.map { "/" + $0 } ?? "")
    }
    /// A campaign's text in `language`, for any browser: no personal field, no token.
    public func viewInBrowser(slug: String, language: String) -> String {
        "\(baseURL)/v/\(slug)/\(language)"
    }
    public func rsvp(contactID: Int64, campaignID: Int64, answer: String) -> String {
        "\(baseURL)/r/\(signer.token(.rsvp, contactID: contactID, campaignID: campaignID))?answer=\(answer)"
    }
    /// The page where an offered seat is taken.
    public func seat(contactID: Int64, campaignID: Int64) -> String {
        "\(baseURL)/s/\(signer.token(.seat, contactID: contactID, campaignID: campaignID))"
    }
}

extension Settings {
    /// The link builder of this installation (reads, or creates, the secret file).
    public func links() throws -> Links {
        Links(baseURL: httpBaseURL, signer: try LinkSigner.load(secretFile: linksSecretFile),
              bounces: try bouncesAddress.map { try EmailAddress($0) })
    }
}
