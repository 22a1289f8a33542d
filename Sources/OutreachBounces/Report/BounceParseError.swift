import OutreachModel

/// Why a message in the bounce mailbox could not be read as a message at all.
public enum BounceParseError: StaffFacingError, Equatable {
    /// Zero bytes.
    case empty
    /// Only white space.
    case blank
    /// The first line is no header field (`line` quoted as found, at most 40 bytes).
    case notAHeader(line: String)
    /// A header without any of the fields every message has (`names`: the first field names found).
    case noMessageFields(names: String)

    /// The problem, for the log and for the person who looks at the mailbox.
    public var message: StaffMessage {
        switch self {
        case .empty: StaffMessage("bounce.parse.empty")
        case .blank: StaffMessage("bounce.parse.blank")
        case .notAHeader(let line): StaffMessage("bounce.parse.not_a_header", ["line": line])
        case .noMessageFields(let names): StaffMessage("bounce.parse.no_message_fields", ["names": names])
        }
    }
}
