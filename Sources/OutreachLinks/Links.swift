import OutreachModel

/// The URLs built from tokens, all under `http.base_url`.
public struct Links: Sendable {
    public let baseURL: String
    public let signer: LinkSigner

    public init(baseURL: String, signer: LinkSigner) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.signer = signer
    }

    public func unsubscribe(contactID: Int64, campaignID: Int64) -> String {
        "\(baseURL)/u/\(signer.token(.unsubscribe, contactID: contactID, campaignID: campaignID))"
    }
    public func confirm(contactID: Int64, campaignID: Int64) -> String {
        "\(baseURL)/c/\(signer.token(.confirm, contactID: contactID, campaignID: campaignID))"
    }
    public func rsvp(contactID: Int64, campaignID: Int64, answer: String) -> String {
        "\(baseURL)/r/\(signer.token(.rsvp, contactID: contactID, campaignID: campaignID))?answer=\(answer)"
    }
}

extension Settings {
    /// The link builder of this installation (reads, or creates, the secret file).
    public func links() throws -> Links {
        Links(baseURL: httpBaseURL, signer: try LinkSigner.load(secretFile: linksSecretFile))
    }
}
