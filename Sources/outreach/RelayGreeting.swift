import Foundation
import OutreachModel
#if canImport(Glibc)
import Glibc
#endif

/// Connects to a server over plain TCP and reads its first line (an SMTP `220` greeting, an IMAP
/// `* OK`), then says goodbye. Doctor's reachability check: no TLS, no login, no mail.
enum ServerGreeting {
    struct Failure: StaffFacingError { let message: StaffMessage }

    /// The first line `host:port` sends within `timeout` seconds, then `goodbye` is sent; with
    /// `goodbye` nil (a TLS port: the server waits for us) only the connection is made.
    static func read(host: String, port: Int, timeout: Double, goodbye: String?) throws -> String {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw Failure(message: StaffMessage("relay.cannot_resolve", ["host": host, "reason": String(cString: gai_strerror(status))]))
        }
        defer { freeaddrinfo(list) }
        var lastError = StaffMessage("relay.no_address", ["host": host])
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var tv = timeval(tv_sec: Int(timeout), tv_usec: Int(timeout.truncatingRemainder(dividingBy: 1) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = StaffMessage("relay.cannot_connect", ["host": host, "port": port, "reason": String(cString: strerror(errno))])
                continue
            }
            guard let goodbye else { return "" }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 512)
            while !bytes.contains(0x0A) && bytes.count < 4096 {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n <= 0 {
                    throw Failure(message: n == 0 ? StaffMessage("relay.closed_without_greeting", ["host": host, "port": port])
                                                  : StaffMessage("relay.no_greeting", ["host": host, "port": port, "seconds": Int(timeout)]))
                }
                bytes += buffer[0..<n]
            }
            _ = goodbye.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            return String(decoding: bytes.prefix { $0 != 0x0A && $0 != 0x0D }, as: UTF8.self)
        }
        throw Failure(message: lastError)
    }

    /// `smtp://host:port/…` → (scheme, host, port), with the scheme's usual port.
    static func endpoint(_ url: String) -> (scheme: String, host: String, port: Int)? {
        guard let u = URLComponents(string: url.trimmingCharacters(in: .whitespaces)), let scheme = u.scheme?.lowercased(),
              let host = u.host, !host.isEmpty else { return nil }
        let defaults = ["smtp": 25, "smtps": 465, "imap": 143, "imaps": 993]
        guard let port = u.port ?? defaults[scheme] else { return nil }
        return (scheme, host, port)
    }
}
