/// A message for staff in the two languages they read (English and Vietnamese). Until the staff
/// catalog (issue 24) chooses by `ui.language`, `description` is the English; each feature keeps
/// its texts together in one `…Texts` file, so they fold into the catalog as they are.
public struct StaffText: Sendable, Equatable, CustomStringConvertible {
    public let en: String
    public let vi: String
    public init(en: String, vi: String) { self.en = en; self.vi = vi }
    public var description: String { en }
}
