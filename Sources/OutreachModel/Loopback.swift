#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a server named in the configuration is this machine: the one rule behind "plain
/// SMTP, IMAP or http only on loopback". A literal address in 127.0.0.0/8, `::1`, or the name
/// `localhost`; never a name that merely starts with `127.` (`127.mx.example.org` is a host
/// anywhere, and taking it for loopback would let its connection go without TLS).
public enum Loopback {
    /// `host` as written in a URL (IPv6 with or without its brackets, no port).
    public static func isLoopback(host: String) -> Bool {
        var name = host
        if name.hasPrefix("["), name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.lowercased() == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { $0.dropLast().allSatisfy { $0 == 0 } && $0.last == 1 }
        }
        return false
    }

    /// The host of `scheme://host[:port]/…` (userinfo dropped), whether it is loopback.
    public static func isLoopback(url: String) -> Bool {
        guard let schemeEnd = url.range(of: "://") else { return false }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return false }
            host = authority[authority.startIndex...close]
        } else {
            host = authority.prefix { $0 != ":" }
        }
        return isLoopback(host: String(host))
    }
}
