/// Who a person is to the city (the importer's `kind` column).
public enum ContactKind: String, Codable, Sendable, CaseIterable {
    case overseasVietnamese = "overseas_vietnamese"
    case foreignResident = "foreign_resident"
    case partner
    case other
}

/// A person's consent to receive invitations, as the ledger's latest row says.
public enum ConsentStatus: String, Codable, Sendable, CaseIterable {
    case granted, pending, withdrawn
}

/// What a campaign's template is for: only `consentRequest` may go to people whose consent is
/// pending; every other campaign goes only to people who granted it.
public enum CampaignPurpose: String, Codable, Sendable {
    case invitation
    case consentRequest = "consent-request"

    /// The consent a recipient must have, right now, to be sent a campaign of this purpose.
    public var requiredConsent: ConsentStatus { self == .consentRequest ? .pending : .granted }
}

/// What composing a message needs to know of the person it is for (nothing else of the register).
public struct Recipient: Sendable, Equatable {
    /// The register's id (0 for an address the register does not hold, such as a test address).
    public var id: Int64
    public var email: String
    public var name: String
    public var addressedAs: String?
    public var honorific: String?
    public var kind: ContactKind
    public var country: String?
    public var city: String?
    public var language: String?
    public var organization: String?
    /// For a reminder or notice: what the person answered to the invitation (`yes`, `no`; nil: nothing yet).
    public var invitationAnswer: String?
    /// For a reminder: the tickets the person holds for the invitation's event (1 + guests) when
    /// their yes holds a seat; nil otherwise. A reminder then carries their QR codes.
    public var tickets: Int? = nil

    public init(id: Int64, email: String, name: String = "", addressedAs: String? = nil, honorific: String? = nil,
                kind: ContactKind = .other, country: String? = nil, city: String? = nil, language: String? = nil,
                organization: String? = nil, invitationAnswer: String? = nil) {
        self.invitationAnswer = invitationAnswer
        self.id = id; self.email = email; self.name = name; self.addressedAs = addressedAs; self.honorific = honorific
        self.kind = kind; self.country = country; self.city = city; self.language = language; self.organization = organization
    }

    /// Someone the register does not hold (a test address): nothing is known but the address.
    public static func unregistered(_ address: EmailAddress) -> Recipient { Recipient(id: 0, email: address.value) }
}
