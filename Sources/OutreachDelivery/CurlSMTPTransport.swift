import CCurl
import Foundation
import Logging
import OutreachModel

/// SMTP through libcurl: one easy handle, reused so the connection stays open between messages,
/// one recipient per transaction. Not thread-safe: each delivery worker owns one.
public final class CurlSMTPTransport: MailTransport {
    /// The relay's connection settings.
    public struct Options: Sendable {
        public var url: String
        public var ehlo: String
        public var username: String?
        public var password: String?
        public var timeout: Double
        public init(url: String, ehlo: String, username: String? = nil, password: String? = nil, timeout: Double = 30) {
            self.url = url; self.ehlo = ehlo; self.username = username; self.password = password; self.timeout = timeout
        }
        public init(_ settings: Settings) {
            self.init(url: settings.smtpURL, ehlo: settings.smtpEHLO, username: settings.smtpUsername,
                      password: settings.smtpPassword, timeout: settings.smtpTimeout)
        }
    }

    /// Per-transfer state the C callbacks write to.
    final class Transfer {
        var body: [UInt8] = []
        var offset = 0
        var replies: [SMTPReply] = []
        var bodyFullyRead = false
    }

    private let handle: UnsafeMutableRawPointer
    private let options: Options
    private let transfer = Transfer()
    private var recipients: UnsafeMutablePointer<curl_slist>?
    /// Whether the relay of the current connection advertised SMTPUTF8 (nil: not connected yet).
    private var smtpUTF8: Bool?
    private let logger: Logger

    public static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        outreach_ignore_sigpipe()
    }()

    public init(_ options: Options, logger: Logger = Logger(label: "outreach.smtp")) throws {
        _ = CurlSMTPTransport.globalInit
        guard let h = curl_easy_init() else { throw CurlError.initFailed }
        handle = h
        self.options = options
        self.logger = logger
        try configure()
    }

    deinit {
        curl_easy_cleanup(handle)
        if let recipients { curl_slist_free_all(recipients) }
    }

    enum CurlError: Error { case initFailed, option(String, Int) }

    /// The URL with the EHLO name as its path (curl sends the path as the EHLO name).
    static func url(_ url: String, ehlo: String) -> String {
        let scheme = url.hasPrefix("smtps://") ? "smtps://" : "smtp://"
        let rest = url.dropFirst(scheme.count)
        if let slash = rest.firstIndex(of: "/"), rest.index(after: slash) != rest.endIndex { return url }
        return scheme + rest.prefix { $0 != "/" } + "/" + ehlo
    }

    /// Loopback relays (a local test server) may be plain; any other `smtp://` relay must STARTTLS.
    static func isLoopback(_ url: String) -> Bool {
        let host = url.drop { $0 != "/" }.dropFirst(2).prefix { $0 != ":" && $0 != "/" }
        return host == "localhost" || host.hasPrefix("127.") || host == "[::1]"
    }

    private func configure() throws {
        func check(_ code: CURLcode, _ name: String) throws {
            guard code == CURLE_OK else { throw CurlError.option(name, Int(code.rawValue)) }
        }
        let url = CurlSMTPTransport.url(options.url, ehlo: options.ehlo)
        try check(outreach_curl_set_string(handle, CURLOPT_URL, url), "url")
        if url.hasPrefix("smtp://") && !CurlSMTPTransport.isLoopback(url) {
            try check(outreach_curl_set_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)), "use_ssl")
        }
        try check(outreach_curl_set_long(handle, CURLOPT_NOSIGNAL, 1), "nosignal")
        // No proxy: the relay is named by smtp.url. (This also spares libcurl reading the proxy
        // variables of the environment for every message.)
        try check(outreach_curl_set_string(handle, CURLOPT_PROXY, ""), "proxy")
        try check(outreach_curl_set_long(handle, CURLOPT_UPLOAD, 1), "upload")
        try check(outreach_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(options.timeout * 1000)), "connect timeout")
        try check(outreach_curl_set_long(handle, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(options.timeout))), "response timeout")
        try check(outreach_curl_set_long(handle, CURLOPT_TIMEOUT_MS, Int(options.timeout * 4000)), "timeout")
        if let username = options.username {
            try check(outreach_curl_set_string(handle, CURLOPT_USERNAME, username), "username")
            try check(outreach_curl_set_string(handle, CURLOPT_PASSWORD, options.password ?? ""), "password")
            try check(outreach_curl_set_long(handle, CURLOPT_SASL_IR, 1), "sasl_ir")
        }
        let me = Unmanaged.passUnretained(transfer).toOpaque()
        try check(outreach_curl_set_read_function(handle, readCallback), "read function")
        try check(outreach_curl_set_pointer(handle, CURLOPT_READDATA, me), "read data")
        try check(outreach_curl_set_header_function(handle, headerCallback), "header function")
        try check(outreach_curl_set_pointer(handle, CURLOPT_HEADERDATA, me), "header data")
    }

    /// Sends `message` (CRLF-only bytes) from `from` to the one recipient `to`.
    public func send(_ message: [UInt8], from: String, to: EmailAddress) -> DeliveryOutcome {
        if to.needsSMTPUTF8 {
            if smtpUTF8 == nil { probe() }
            guard smtpUTF8 == true else {
                return .permanent(reason: "the relay does not offer SMTPUTF8, needed for the address \(to.value)", code: nil, enhanced: "5.6.7")
            }
        }
        transfer.body = message
        transfer.offset = 0
        transfer.replies.removeAll(keepingCapacity: true)
        transfer.bodyFullyRead = false
        if let recipients { curl_slist_free_all(recipients) }
        recipients = curl_slist_append(nil, "<\(to.value)>")
        _ = outreach_curl_set_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        _ = outreach_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = outreach_curl_set_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, nil)
        let code = curl_easy_perform(handle)
        noteConnection()
        return classify(code)
    }

    /// Connects (EHLO + NOOP) to learn what the relay offers, keeping the connection for the next message.
    private func probe() {
        transfer.replies.removeAll()
        _ = outreach_curl_set_long(handle, CURLOPT_UPLOAD, 0)
        _ = outreach_curl_set_slist(handle, CURLOPT_MAIL_RCPT, nil)
        _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, "NOOP")
        _ = curl_easy_perform(handle)
        noteConnection()
        _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, nil)
        _ = outreach_curl_set_long(handle, CURLOPT_UPLOAD, 1)
    }

    /// After a new connection, what its EHLO said about SMTPUTF8.
    private func noteConnection() {
        var connects = 0
        _ = outreach_curl_get_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        if connects > 0 {
            smtpUTF8 = transfer.replies.contains { $0.code == 250 && $0.text.dropFirst(4).uppercased().hasPrefix("SMTPUTF8") }
        }
    }

    /// The CURLcode first (after a drop or timeout the response code is stale), then the replies.
    func classify(_ code: CURLcode) -> DeliveryOutcome {
        // After a rejection libcurl sends QUIT: its "221" is not the answer we are after.
        let last = transfer.replies.last { $0.code != 221 }
        if code == CURLE_OK {
            if let last, last.code >= 400 { return outcome(for: last) }
            return .sent(last)
        }
        let curlText = String(cString: curl_easy_strerror(code))
        // A rejection: libcurl stops with SEND_ERROR or WEIRD_SERVER_REPLY and the reply is the last line.
        if let last, last.code >= 400, code == CURLE_SEND_ERROR || code == CURLE_WEIRD_SERVER_REPLY
            || code == CURLE_RECV_ERROR || code == CURLE_LOGIN_DENIED || code == CURLE_OPERATION_TIMEDOUT {
            return outcome(for: last)
        }
        if code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_LOGIN_DENIED {
            return .transient(reason: "relay unavailable: \(curlText)", code: nil, relayDown: true)
        }
        // The whole message went out after a 354 and nothing came back for the final ".".
        if transfer.bodyFullyRead, last?.code == 354 {
            return .unknown(reason: "no reply to the end of data: \(curlText)")
        }
        return .transient(reason: curlText, code: nil, relayDown: code == CURLE_USE_SSL_FAILED || code == CURLE_SSL_CONNECT_ERROR)
    }

    private func outcome(for reply: SMTPReply) -> DeliveryOutcome {
        if reply.code >= 500 { return .permanent(reason: reply.text, code: reply.code, enhanced: reply.enhanced) }
        return .transient(reason: reply.text, code: reply.code, relayDown: reply.code == 421)
    }
}

/// libcurl asks for the next bytes of the message.
private func readCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let t = Unmanaged<CurlSMTPTransport.Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * count, t.body.count - t.offset)
    if n == 0 { t.bodyFullyRead = true; return 0 }
    t.body.withUnsafeBytes { raw in
        UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + t.offset, byteCount: n)
    }
    t.offset += n
    // With the size announced, libcurl may never ask again after the last byte.
    if t.offset == t.body.count { t.bodyFullyRead = true }
    return n
}

/// libcurl hands over each server reply line.
private func headerCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    let n = size * count
    guard let buffer, let userdata else { return n }
    let t = Unmanaged<CurlSMTPTransport.Transfer>.fromOpaque(userdata).takeUnretainedValue()
    if let reply = SMTPReply(utf8: UnsafeRawBufferPointer(start: buffer, count: n)) { t.replies.append(reply) }
    return n
}
