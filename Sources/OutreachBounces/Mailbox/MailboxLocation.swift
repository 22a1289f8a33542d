#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OutreachModel

/// Where the bounce mailbox is: `bounces.mailbox_url` taken apart, and the URLs libcurl is given.
struct MailboxLocation: Equatable {
    /// `imap` or `imaps`.
    let scheme: String
    /// The host as written in the URL (`[::1]` keeps its brackets), with `:port` when there is one.
    let authority: String
    /// The host alone (no brackets).
    let host: String
    /// The folder, decoded (`INBOX` when the URL names none).
    let folder: String

    init(_ url: String) throws(MailboxError) {
        let lower = url.lowercased()
        guard let schemeEnd = url.range(of: "://"), lower.hasPrefix("imap://") || lower.hasPrefix("imaps://") else {
            throw .badURL("\"\(url)\" is not an imaps:// (or imap:// on this machine) URL, e.g. imaps://mail.example.org/INBOX")
        }
        scheme = lower.hasPrefix("imaps://") ? "imaps" : "imap"
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else {
            // A password in the URL would end up in logs and error texts.
            throw .badURL("put the login in bounces.username and the password in bounces.password_file, not in the URL")
        }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .badURL("\"\(url)\": unclosed [ in the host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let port = authority[authority.index(after: close)...]
            guard port.isEmpty || (port.hasPrefix(":") && port.dropFirst().allSatisfy(\.isASCIIDigit) && port.count > 1) else {
                throw .badURL("\"\(url)\": the port must be a number")
            }
        } else {
            host = authority.prefix { $0 != ":" }
            let port = authority.dropFirst(host.count)
            guard port.isEmpty || (port.dropFirst().allSatisfy(\.isASCIIDigit) && port.count > 1) else {
                throw .badURL("\"\(url)\": the port must be a number")
            }
        }
        guard !host.isEmpty else { throw .badURL("\"\(url)\" names no host") }
        self.authority = String(authority)
        self.host = String(host)

        var path = rest.dropFirst(authority.count)
        guard !path.contains("?"), !path.contains("#"), !path.contains(";") else {
            throw .badURL("\"\(url)\": give only the folder after the host (e.g. /INBOX), without ;UID=, ? or #")
        }
        path = path.drop { $0 == "/" }
        while path.hasSuffix("/") { path = path.dropLast() }
        guard let folder = MailboxLocation.percentDecoded(path) else {
            throw .badURL("\"\(url)\": the folder's %-escapes are not valid UTF-8")
        }
        self.folder = folder.isEmpty ? "INBOX" : folder
        try MailboxLocation.checkFolderName(self.folder, key: "bounces.mailbox_url")

        if scheme == "imap", !isLoopback {
            throw .badURL("plain imap:// is only for a server on this machine; use imaps://\(authority)/… (or a server that offers STARTTLS on this machine)")
        }
    }

    /// Whether the host is this machine (`Loopback`, the rule every plain-text connection follows).
    var isLoopback: Bool { Loopback.isLoopback(host: host) }

    /// The server without a folder: custom commands that name their folder themselves.
    var serverURL: String { "\(scheme)://\(authority)/" }

    /// The folder: libcurl selects it (once per connection) before a custom command.
    var folderURL: String { serverURL + MailboxLocation.percentEncoded(folder) }

    /// One message, checked against the folder's UIDVALIDITY when libcurl selects it.
    func messageURL(uid: UInt32, uidValidity: UInt32) -> String {
        "\(folderURL);UIDVALIDITY=\(uidValidity)/;UID=\(uid)"
    }

    /// Folder names travel as IMAP quoted strings; non-ASCII ones would need modified UTF-7 (RFC 3501 §5.1.3).
    static func checkFolderName(_ name: String, key: String) throws(MailboxError) {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) else {
            let message = "the folder \"\(name)\" must be a non-empty name in ASCII letters, digits and punctuation"
            throw .badURL(key == "bounces.mailbox_url" ? message : "(\(key)) \(message)")
        }
    }

    /// `name` as an IMAP quoted string.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func percentEncoded(_ name: String) -> String {
        var out = ""
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return out
    }

    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
