/// Why the mailbox could not be read, with what staff can change (the config key to check).
public enum MailboxError: Error, CustomStringConvertible, Equatable {
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
    public var description: String {
        switch self {
        case .badURL(let why): "bounces.mailbox_url: \(why)"
        case .uidValidityChanged: problem
        default: "\(problem) (\(fix))"
        }
    }

    /// What went wrong, in the server's or libcurl's words.
    var problem: String {
        switch self {
        case .badURL(let why): "bounces.mailbox_url: \(why)"
        case .connection(let why): "cannot reach the bounce mailbox: \(why)"
        case .tls(let why): "the bounce mailbox's certificate does not verify: \(why)"
        case .login(let why): "the bounce mailbox refused the login: \(why)"
        case .noFolder(let why): "the bounce mailbox cannot open the folder: \(why)"
        case .uidValidityChanged: "the bounce mailbox's folder was renumbered (its UIDVALIDITY changed): it is read again from the start"
        case .server(let why): "the bounce mailbox's server refused a command: \(why)"
        }
    }

    /// What staff can change (`outreach doctor`'s fix).
    public var fix: String {
        switch self {
        case .badURL: "correct bounces.mailbox_url: imaps://host/INBOX (imap:// only on loopback)"
        case .connection: "check the host and port in bounces.mailbox_url and that the IMAP server is running"
        case .tls: "set smtp.ca_file to the PEM bundle of the CA that signed it, or fix the server's certificate: it must name the host of bounces.mailbox_url"
        case .login: "check bounces.username and the password: bounces.password_file or OUTREACH_BOUNCES_PASSWORD"
        case .noFolder: "check the folder at the end of bounces.mailbox_url, e.g. /INBOX"
        case .uidValidityChanged: "nothing: the next reading starts again"
        case .server: "read the server's words; check the mailbox's permissions and quota"
        }
    }
}
