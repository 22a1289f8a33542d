import OutreachRegister

/// One invited person and their answer, as `campaign rsvps` lists it: `answer` is `yes`, `no`
/// or `none` (not answered: the people to phone).
struct RSVPEntry: Encodable {
    let email, name: String
    let language: String?
    let answer: String
    let guests: Int
    /// The seat given at the event (null until seats are given).
    let seat: String?
    /// When they answered (ISO 8601 UTC as stored; shown in office time).
    var answeredAt: String?

    init(_ listing: RSVPListing) {
        email = listing.email; name = listing.name; language = listing.language; answer = listing.answer
        guests = listing.guests; seat = listing.seat; answeredAt = listing.answeredAt
    }

    enum CodingKeys: String, CodingKey { case email, name, language, answer, guests, seat, answeredAt }

    /// Every key always present (`seat` and `answered_at` are null, not missing).
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(email, forKey: .email); try c.encode(name, forKey: .name); try c.encode(language, forKey: .language)
        try c.encode(answer, forKey: .answer); try c.encode(guests, forKey: .guests); try c.encode(seat, forKey: .seat)
        try c.encode(answeredAt, forKey: .answeredAt)
    }
}
