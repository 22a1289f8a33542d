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
        /// A PEM bundle to trust besides the system's (a private CA).
        public var caFile: String?
        public init(url: String, ehlo: String, username: String? = nil, password: String? = nil, timeout: Double = 30,
                    caFile: String? = nil) {
            self.url = url; self.ehlo = ehlo; self.username = username; self.password = password; self.timeout = timeout
            self.caFile = caFile
        }
        /// The settings for `relay` (one of `settings.relays`; the first by default).
        public init(_ settings: Settings, relay: String? = nil) {
            self.init(url: relay ?? settings.relays[0], ehlo: settings.smtpEHLO, username: settings.smtpUsername,
                      password: settings.smtpPassword, timeout: settings.smtpTimeout, caFile: settings.smtpCAFile)
        }
    }

    /// Per-transfer state the C callbacks write to.
    final class Transfer {
        var body: [UInt8] = []
        var offset = 0
        var replies: [SMTPReply] = []
        /// The last reply line with a code outside 200–599 (a "600" after the final "."), cleaned
        /// and cut short: libcurl stops on it, and the log says what was seen.
        var oddReply: String?
        var bodyFullyRead = false
        /// Runs before the message's final CRLF is handed over (then cleared).
        var beforeEnd: (() -> Void)?
        /// The command the next reply answers (from libcurl's debug callback).
        var stage = SMTPStage.connection
        /// libcurl's own words for its last error (`CURLOPT_ERRORBUFFER`).
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        deinit { errorText.deallocate() }
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

    enum CurlError: StaffFacingError {
        case initFailed, option(String, Int)
        var message: StaffMessage {
            switch self {
            case .initFailed: StaffMessage("curl.init_failed")
            case .option(let name, let code): StaffMessage("curl.option", ["option": name, "code": code])
            }
        }
    }

    /// The URL with the EHLO name as its path (curl sends the path as the EHLO name).
    static func url(_ url: String, ehlo: String) -> String {
        let scheme = url.hasPrefix("smtps://") ? "smtps://" : "smtp://"
        let rest = url.dropFirst(scheme.count)
        if let slash = rest.firstIndex(of: "/"), rest.index(after: slash) != rest.endIndex { return url }
        return scheme + rest.prefix { $0 != "/" } + "/" + ehlo
    }

    private func configure() throws {
        func check(_ code: CURLcode, _ name: String) throws {
            guard code == CURLE_OK else { throw CurlError.option(name, Int(code.rawValue)) }
        }
        let url = CurlSMTPTransport.url(options.url, ehlo: options.ehlo)
        try check(outreach_curl_set_string(handle, CURLOPT_URL, url), "url")
        if url.hasPrefix("smtp://") {
            // STARTTLS is required off this machine; on loopback it is still used whenever the
            // relay offers it (a local submission port offers AUTH only after it).
            let level = Loopback.isLoopback(url: url) ? CURLUSESSL_TRY : CURLUSESSL_ALL
            try check(outreach_curl_set_long(handle, CURLOPT_USE_SSL, Int(level.rawValue)), "use_ssl")
        }
        if let caFile = options.caFile {
            try check(outreach_curl_set_string(handle, CURLOPT_CAINFO, caFile), "cainfo")
        }
        transfer.errorText[0] = 0
        try check(outreach_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(transfer.errorText)), "error buffer")
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
        // The reply to a NOOP (a probe, `doctor`) is "data" to libcurl: it would go to standard output.
        try check(outreach_curl_set_write_function(handle, discardCallback), "write function")
        try check(outreach_curl_set_pointer(handle, CURLOPT_HEADERDATA, me), "header data")
        // The commands libcurl sends come to the debug callback (only with VERBOSE on): how a
        // refusal is matched to the command it answers.
        try check(outreach_curl_set_debug_function(handle, debugCallback), "debug function")
        try check(outreach_curl_set_pointer(handle, CURLOPT_DEBUGDATA, me), "debug data")
        try check(outreach_curl_set_long(handle, CURLOPT_VERBOSE, 1), "verbose")
    }

    /// Sends `message` (CRLF-only bytes) from `from` to the one recipient `to`; `beforeEndOfData`
    /// runs when libcurl first asks for the body, after the relay's 354 (libcurl adds the final "."
    /// after the body).
    public func send(_ message: [UInt8], from: String, to: EmailAddress, beforeEndOfData: () -> Void) -> DeliveryOutcome {
        if to.needsSMTPUTF8 {
            if smtpUTF8 == nil { probe() }
            guard smtpUTF8 == true else {
                return .permanent(reason: "the relay does not offer SMTPUTF8, needed for the address \(to.value)", code: nil,
                                  enhanced: "5.6.7", stage: .rcptTo)
            }
        }
        transfer.body = message
        transfer.offset = 0
        transfer.replies.removeAll(keepingCapacity: true)
        transfer.oddReply = nil
        transfer.bodyFullyRead = false
        transfer.stage = .connection
        transfer.errorText[0] = 0
        if let recipients { curl_slist_free_all(recipients) }
        // An IDN domain goes as its A-labels: understood with or without SMTPUTF8.
        recipients = curl_slist_append(nil, "<\(EmailAddress.withASCIIDomain(to.value))>")
        _ = outreach_curl_set_slist(handle, CURLOPT_MAIL_RCPT, recipients)
        _ = outreach_curl_set_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = outreach_curl_set_offset(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(message.count))
        _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, nil)
        let code = withoutActuallyEscaping(beforeEndOfData) { hook -> CURLcode in
            transfer.beforeEnd = hook
            defer { transfer.beforeEnd = nil }
            return curl_easy_perform(handle)
        }
        noteConnection()
        return classify(code)
    }

    /// Opens a session as sending would (connect, EHLO, STARTTLS with the certificate checked, the
    /// login) and says NOOP, sending no mail: what `outreach doctor` checks of a relay.
    public func checkSession() -> DeliveryOutcome {
        transfer.replies.removeAll()
        transfer.oddReply = nil
        transfer.stage = .connection
        transfer.errorText[0] = 0
        transfer.bodyFullyRead = false
        _ = outreach_curl_set_long(handle, CURLOPT_UPLOAD, 0)
        _ = outreach_curl_set_slist(handle, CURLOPT_MAIL_RCPT, nil)
        _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, "NOOP")
        defer {
            _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, nil)
            _ = outreach_curl_set_long(handle, CURLOPT_UPLOAD, 1)
        }
        let code = curl_easy_perform(handle)
        noteConnection()
        return classify(code)
    }

    /// Connects (EHLO + NOOP) to learn what the relay offers, keeping the connection for the next message.
    private func probe() { _ = checkSession() }

    /// After a new connection, what its EHLO said about SMTPUTF8.
    private func noteConnection() {
        var connects = 0
        _ = outreach_curl_get_long(handle, CURLINFO_NUM_CONNECTS, &connects)
        if connects > 0 {
            smtpUTF8 = transfer.replies.contains { $0.code == 250 && $0.text.dropFirst(4).uppercased().hasPrefix("SMTPUTF8") }
        }
    }

    /// The CURLcode first (after a drop or timeout the response code is stale), then the replies,
    /// each judged by the command it answers.
    func classify(_ code: CURLcode) -> DeliveryOutcome {
        // After a rejection libcurl sends QUIT: its "221" is not the answer we are after.
        let last = transfer.replies.last { $0.code != 221 }
        if code == CURLE_OK {
            if let last, last.code >= 400 { return outcome(for: last) }
            return .sent(last)
        }
        let detail = transfer.errorText[0] != 0 ? String(cString: transfer.errorText) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .relayFault(reason: "the relay's certificate does not verify: \(detail)",
                               fix: "set smtp.ca_file to the PEM bundle of the CA that signed it (or have the relay present a certificate for the host in smtp.url)")
        case CURLE_USE_SSL_FAILED:
            return .relayFault(reason: "the relay does not offer STARTTLS: \(detail)",
                               fix: "use a relay that offers STARTTLS, or smtps:// for TLS from the start (plain SMTP only to a relay on this machine)")
        case CURLE_SSL_CONNECT_ERROR:
            return .relayFault(reason: "the TLS handshake with the relay failed: \(detail)",
                               fix: "check that smtp.url names the relay's port and scheme (smtps:// for 465, smtp:// with STARTTLS for 587)")
        case CURLE_LOGIN_DENIED:
            return .relayFault(reason: "the relay refused the login: \(last.map { $0.text } ?? detail)", fix: Self.loginFix)
        default: break
        }
        // A reply with a code no SMTP server may send: after the final "." it may have been
        // delivered (an unknown outcome, like a lost reply); before, the message was not sent.
        if let odd = transfer.oddReply {
            if transfer.bodyFullyRead, last?.code == 354 {
                return .unknown(reason: "the relay answered the end of data with an out-of-range code: \(odd)")
            }
            return .transient(reason: "the relay answered \(transfer.stage.rawValue) with an out-of-range code: \(odd)",
                              code: nil, relayDown: false)
        }
        // A rejection: libcurl stops with SEND_ERROR or WEIRD_SERVER_REPLY and the reply is the last line.
        if let last, last.code >= 400, code == CURLE_SEND_ERROR || code == CURLE_WEIRD_SERVER_REPLY
            || code == CURLE_RECV_ERROR || code == CURLE_OPERATION_TIMEDOUT {
            return outcome(for: last)
        }
        if code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST {
            return .transient(reason: "relay unavailable: \(detail)", code: nil, relayDown: true)
        }
        // The whole message went out after a 354 and nothing came back for the final ".".
        // (A reply too long for libcurl ends here too: "Too large response headers".)
        if transfer.bodyFullyRead, last?.code == 354 {
            return .unknown(reason: "no reply libcurl could read to the end of data: \(detail)")
        }
        return .transient(reason: "\(transfer.stage.rawValue): \(detail)", code: nil, relayDown: false)
    }

    static let loginFix = "check smtp.username and the password (OUTREACH_SMTP_PASSWORD or smtp.password_file)"

    /// A 4xx is for later; a 5xx is the recipient's or the message's when it answers RCPT TO or
    /// the data, and the relay's when it answers anything before.
    private func outcome(for reply: SMTPReply) -> DeliveryOutcome {
        guard reply.code >= 500 else { return .transient(reason: reply.text, code: reply.code, relayDown: reply.code == 421) }
        let stage = transfer.stage
        switch stage {
        case .rcptTo, .data, .endOfData:
            return .permanent(reason: reply.text, code: reply.code, enhanced: reply.enhanced, stage: stage)
        case .auth:
            return .relayFault(reason: "the relay refused the login: \(reply.text)", fix: Self.loginFix)
        case .starttls:
            return .relayFault(reason: "the relay refused STARTTLS: \(reply.text)",
                               fix: "use smtps:// if the relay offers TLS from the start, or a relay that offers STARTTLS")
        case .mailFrom:
            let text = reply.text.lowercased()
            let fix = text.contains("starttls") ? "the relay wants TLS first: use smtps:// or a relay that offers STARTTLS"
                : reply.code == 530 || text.contains("auth") ? "the relay wants a login: set smtp.username and the password (OUTREACH_SMTP_PASSWORD or smtp.password_file)"
                : "the relay refuses the sender: check sender.from (an address this relay may send for)"
            return .relayFault(reason: "the relay refused MAIL FROM: \(reply.text)", fix: fix)
        case .connection:
            return .relayFault(reason: "the relay refused the connection: \(reply.text)",
                               fix: "check smtp.url and smtp.ehlo, and that the relay lets this machine submit mail")
        }
    }
}

/// libcurl asks for the next bytes of the message.
private func readCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let userdata else { return 0 }
    let t = Unmanaged<CurlSMTPTransport.Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let remaining = t.body.count - t.offset
    let n = min(size * count, remaining)
    if n == 0 { t.bodyFullyRead = true; return 0 }
    // The body waits for the hook (the previous message's commit), which overlaps this
    // message's MAIL, RCPT and DATA round trips; nothing of it has reached the relay before.
    if let hook = t.beforeEnd { t.beforeEnd = nil; hook() }
    t.body.withUnsafeBytes { raw in
        UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + t.offset, byteCount: n)
    }
    t.offset += n
    // With the size announced, libcurl may never ask again after the last byte.
    if t.offset == t.body.count { t.bodyFullyRead = true }
    return n
}

/// What libcurl receives as data (the reply to a NOOP) is not wanted: the replies come as headers.
private func discardCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    size * count
}

/// libcurl hands over each server reply line.
private func headerCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    let n = size * count
    guard let buffer, let userdata else { return n }
    let t = Unmanaged<CurlSMTPTransport.Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let line = UnsafeRawBufferPointer(start: buffer, count: n)
    if let reply = SMTPReply(utf8: line) {
        t.replies.append(reply)
        // After the 354 go the message and its final ".": the next reply answers the data.
        if reply.code == 354 { t.stage = .endOfData }
    } else if n >= 3, line.prefix(3).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
        t.oddReply = OutsideText.cleaned(String(decoding: line.prefix(200), as: UTF8.self))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    return n
}

/// libcurl shows what it sends: the first word of each command says what the next reply answers.
private func debugCallback(_ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?,
                           _ size: Int, _ userdata: UnsafeMutableRawPointer?) -> Int32 {
    guard type == CURLINFO_HEADER_OUT, let data, let userdata, size >= 4 else { return 0 }
    let t = Unmanaged<CurlSMTPTransport.Transfer>.fromOpaque(userdata).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: min(size, 8))
    func starts(_ word: StaticString) -> Bool {
        word.withUTF8Buffer { w in w.count <= bytes.count && zip(w, bytes).allSatisfy { $0 == ($1 & 0xDF) } }
    }
    if starts("MAIL") { t.stage = .mailFrom }
    else if starts("RCPT") { t.stage = .rcptTo }
    else if starts("DATA") { t.stage = .data }
    else if starts("AUTH") { t.stage = .auth }
    else if starts("STARTTLS") { t.stage = .starttls }
    else if starts("EHLO") || starts("HELO") { t.stage = .connection }
    return 0
}
