import OutreachModel

/// Why the mailbox could not be read, with what staff can change (the config key to check).
public enum MailboxError: StaffFacingError, Equatable {
    /// `bounces.mailbox_url` (or `bounces.handled_folder`) cannot be used as it is; says why.
    case badURL(String)
    /// The server could not be reached: refused, timed out, unknown host, connection dropped.
    case connection(String)
    /// The server's certificate did not verify (or the TLS handshake failed).
    case tls(String)
    /// The server refused the login (its words, never the password).
    case login(String)
    /// The folder of `bounces.mailbox_url` could not be selected (the server's words).
    case noFolder(String)
    /// The server renumbered the folder since its UIDVALIDITY was read: read it again from the start.
    case uidValidityChanged
    /// The server answered a command with NO or BAD (its words quoted), or the message is gone.
    case server(String)

    /// The problem and what to change, in one line for the log and `outreach doctor`.
    public var message: StaffMessage {
        switch self {
        case .badURL: problem
        case .uidValidityChanged: problem
        default: StaffMessage("mailbox.problem_and_fix", ["problem": problem, "fix": fix])
        }
    }

    /// What went wrong, in the server's or libcurl's words.
    var problem: StaffMessage {
        switch self {
        case .badURL(let why): StaffMessage("mailbox.bad_url", ["why": why])
        case .connection(let why): StaffMessage("mailbox.connection", ["why": why])
        case .tls(let why): StaffMessage("mailbox.tls", ["why": why])
        case .login(let why): StaffMessage("mailbox.login", ["why": why])
        case .noFolder(let why): StaffMessage("mailbox.no_folder", ["why": why])
        case .uidValidityChanged: StaffMessage("mailbox.uid_validity")
        case .server(let why): StaffMessage("mailbox.server", ["why": why])
        }
    }

    /// What staff can change (`outreach doctor`'s fix).
    public var fix: StaffMessage {
        switch self {
        case .badURL: StaffMessage("mailbox.fix.bad_url")
        case .connection: StaffMessage("mailbox.fix.connection")
        case .tls: StaffMessage("mailbox.fix.tls")
        case .login: StaffMessage("mailbox.fix.login")
        case .noFolder: StaffMessage("mailbox.fix.no_folder")
        case .uidValidityChanged: StaffMessage("mailbox.fix.uid_validity")
        case .server: StaffMessage("mailbox.fix.server")
        }
    }
}
