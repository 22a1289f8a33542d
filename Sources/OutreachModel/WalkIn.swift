import Foundation

/// Someone added at the event's desk without a ticket: a name, an email if they give one, and
/// their answer when asked separately whether we may send them invitations (nil: not asked;
/// consent is never assumed, and a walk-in is not a contact).
public struct WalkIn: Sendable, Equatable {
    public let name: String
    public let email: String?
    public let consent: Bool?

    /// Why a walk-in cannot be recorded as given.
    public struct Problem: StaffFacingError, Equatable {
        public let message: StaffMessage
        public static func == (a: Problem, b: Problem) -> Bool { a.message.key == b.message.key }
    }

    /// The walk-in from the desk's fields: the name cleaned of control characters and NFC
    /// (1…200 characters), the email checked when given, consent `yes`/`no`/empty.
    public static func read(name: String?, email: String?, consent: String?) -> Result<WalkIn, Problem> {
        let name = OutsideText.cleaned(name ?? "").trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        guard (1...200).contains(name.count) else { return .failure(Problem(message: StaffMessage("checkin.walk_in_name_length"))) }
        var address: String?
        if let email = email?.trimmingCharacters(in: .whitespaces), !email.isEmpty {
            guard let valid = try? EmailAddress(email) else {
                return .failure(Problem(message: StaffMessage("checkin.walk_in_bad_email", ["text": OutsideText.cleaned(email)])))
            }
            address = valid.value
        }
        let said: Bool?
        switch consent?.lowercased() ?? "" {
        case "": said = nil
        case "yes", "granted": said = true
        case "no", "declined": said = false
        default: return .failure(Problem(message: StaffMessage("checkin.walk_in_consent_value", ["text": consent ?? ""])))
        }
        return .success(WalkIn(name: name, email: address, consent: said))
    }
}
