/// Why an address must never be mailed again, and which reason stands when several come.
///
/// The order is DESIGN.md's: complaint > hard bounce > staff > unreachable > the person's own
/// unsubscribe; an erasure (only the address hash is left) stands above them all. A later,
/// stronger reason replaces a weaker one; a weaker or equal one changes nothing. Only the
/// person's own confirmed opt-in lifts a suppression, and only their own unsubscribe.
/// The register executes this rule; it does not hold it.
public enum SuppressionReason: String, Codable, Sendable, CaseIterable, Comparable {
    /// The person unsubscribed themselves (a link, one-click, a mailto).
    case unsubscribed
    /// Soft bounces in 3 of the contact's last 5 sends: the address no longer takes mail.
    case unreachable
    /// Staff recorded the withdrawal (`contacts unsubscribe`).
    case staff
    /// The recipient's server refused the address for good (5.1.x), proven by our token.
    case hardBounce = "hard-bounce"
    /// The person reported a message as spam (ARF), proven by our token.
    case complaint
    /// The person was erased on request: only the hash of the address is kept.
    case erased

    /// Weakest first: the declaration order is the order of strength.
    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The reason that stands after `new` comes for an address suppressed for `current` (nil:
    /// not suppressed yet).
    public static func standing(current: Self?, new: Self) -> Self {
        guard let current else { return new }
        return max(current, new)
    }

    /// Whether `new` takes the place of this reason (it is stronger).
    public func isReplaced(by new: Self) -> Bool { new > self }

    /// Whether the person's own confirmed opt-in lifts this suppression: only their own
    /// unsubscribe, never staff's, a bounce's, a complaint's or an erasure.
    public var isLiftedByOwnOptIn: Bool { self == .unsubscribed }
}
