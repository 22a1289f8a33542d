import CCurl
import Foundation

/// The bounce mailbox over libcurl's IMAP: one easy handle for the mailbox's lifetime, so every
/// command of a poll runs in one IMAP session (one login) while the connection lasts.
public final class CurlIMAPMailbox: BounceMailbox {
    /// Per-command state the C callbacks write to.
    final class Exchange {
        /// What libcurl hands over as data: a message's bytes, or a custom command's untagged lines.
        var data: [UInt8] = []
        /// Every line the server sent during the command (greeting, login and SELECT answers included).
        var lines: [Substring] = []
        /// The verb of the last command libcurl sent (`SELECT`, `UID`, `AUTHENTICATE`), never its arguments.
        var lastVerb = ""
        /// Logins sent since this mailbox was made (LOGIN or AUTHENTICATE): a poll should need one.
        var logins = 0
        /// libcurl's own words for its last error (`CURLOPT_ERRORBUFFER`).
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        deinit { errorText.deallocate() }
    }

    private let handle: UnsafeMutableRawPointer
    private let location: MailboxLocation
    private let password: String?
    private let handledFolder: String?
    private let exchange = Exchange()
    /// What the server offers after login (MOVE, UIDPLUS), asked once.
    private var capabilities: Set<String>?

    /// Messages searched per command: a `* SEARCH` line of 1,000 ten-digit UIDs stays under libcurl's
    /// 16 KB line buffer (KNOWN_BUGS: longer answers are cut).
    static let searchChunk = 1000

    static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
        outreach_ignore_sigpipe()
    }()

    /// `url`: `imaps://host[:port]/FOLDER` or `imap://…` (plain IMAP is refused unless the host is loopback: 127.0.0.0/8, ::1, localhost — throw a MailboxError naming `bounces.mailbox_url`). For `imap://` on loopback use CURLUSESSL_TRY (STARTTLS when offered); for a non-loopback imap:// that's refused anyway; imaps:// verifies the certificate against the system store plus `caFile` (CURLOPT_CAINFO — libcurl ignores SSL_CERT_FILE).
    public init(url: String, username: String?, password: String?, caFile: String?, timeout: Double = 30, handledFolder: String? = nil) throws {
        location = try MailboxLocation(url)
        if let handledFolder { try MailboxLocation.checkFolderName(handledFolder, key: "bounces.handled_folder") }
        guard let username, !username.isEmpty else {
            throw MailboxError.login("no login is configured: set bounces.username")
        }
        self.password = password
        self.handledFolder = handledFolder
        _ = CurlIMAPMailbox.globalInit
        guard let h = curl_easy_init() else { throw MailboxError.connection("libcurl could not make a handle") }
        handle = h
        func set(_ code: CURLcode, _ name: String) throws {
            guard code == CURLE_OK else { throw MailboxError.server("libcurl refused the option \(name) (\(code.rawValue))") }
        }
        if location.scheme == "imap" {
            // Only on loopback (checked above): STARTTLS whenever the server offers it.
            try set(outreach_curl_set_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue)), "use_ssl")
        }
        if let caFile {
            try set(outreach_curl_set_string(h, CURLOPT_CAINFO, caFile), "cainfo")
        }
        try set(outreach_curl_set_string(h, CURLOPT_USERNAME, username), "username")
        try set(outreach_curl_set_string(h, CURLOPT_PASSWORD, password ?? ""), "password")
        try set(outreach_curl_set_long(h, CURLOPT_SASL_IR, 1), "sasl_ir")
        exchange.errorText[0] = 0
        try set(outreach_curl_set_pointer(h, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(exchange.errorText)), "error buffer")
        try set(outreach_curl_set_long(h, CURLOPT_NOSIGNAL, 1), "nosignal")
        // The server is named by bounces.mailbox_url, never reached through a proxy of the environment.
        try set(outreach_curl_set_string(h, CURLOPT_PROXY, ""), "proxy")
        try set(outreach_curl_set_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(timeout * 1000)), "connect timeout")
        try set(outreach_curl_set_long(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, max(1, Int(timeout))), "response timeout")
        try set(outreach_curl_set_long(h, CURLOPT_TIMEOUT_MS, Int(timeout * 4000)), "timeout")
        let me = Unmanaged.passUnretained(exchange).toOpaque()
        try set(outreach_curl_set_write_function(h, dataCallback), "write function")
        try set(outreach_curl_set_pointer(h, CURLOPT_WRITEDATA, me), "write data")
        try set(outreach_curl_set_header_function(h, lineCallback), "header function")
        try set(outreach_curl_set_pointer(h, CURLOPT_HEADERDATA, me), "header data")
        // The commands libcurl sends (only with VERBOSE): which command a refusal answers, and the logins.
        try set(outreach_curl_set_debug_function(h, commandCallback), "debug function")
        try set(outreach_curl_set_pointer(h, CURLOPT_DEBUGDATA, me), "debug data")
        try set(outreach_curl_set_long(h, CURLOPT_VERBOSE, 1), "verbose")
    }

    deinit { curl_easy_cleanup(handle) }

    /// How many times this mailbox logged in (a new IMAP session each time).
    var logins: Int { exchange.logins }

    // MARK: - BounceMailbox

    /// Selects the folder; its UIDVALIDITY (changes when the server renumbers the folder) and how many messages it holds.
    public func open() throws -> (uidValidity: UInt32, messages: Int) {
        let folder = try select()
        return (folder.uidValidity, folder.messages)
    }

    /// UIDs greater than `uid`, ascending (searched in bounded ranges, filtered on the client: `n:*` always includes the highest UID).
    public func uids(after uid: UInt32) throws -> [UInt32] {
        guard uid < UInt32.max else { return [] }
        // A fresh SELECT: the message count bounds the search, and new mail is seen.
        let folder = try select()
        if let next = folder.uidNext, next <= uid &+ 1 { return [] }
        // UIDs ascend with message numbers, so the newest messages are searched first, 1,000 at a
        // time, until a range holds a UID not above `uid` (or the first message is reached).
        var found: [UInt32] = []
        var end = folder.messages
        while end >= 1 {
            let start = max(1, end - Self.searchChunk + 1)
            let range = end == folder.messages ? "\(start):*" : "\(start):\(end)"
            let answer = try command("UID SEARCH \(range) UID \(uid + 1):*", url: location.folderURL)
            let listed = IMAPResponse.search(IMAPResponse.lines(answer))
            let newer = listed.filter { $0 > uid }
            found.append(contentsOf: newer)
            if newer.count < end - start + 1 { break }
            end = start - 1
        }
        return Array(Set(found)).sorted()
    }

    /// The raw bytes of message `uid` (UID FETCH … BODY[] through the URL `…/INBOX;UIDVALIDITY=v/;UID=n`); throws `.uidValidityChanged` on a mismatch.
    public func fetch(uid: UInt32, uidValidity: UInt32) throws -> [UInt8] {
        let code = perform(url: location.messageURL(uid: uid, uidValidity: uidValidity), request: nil)
        if code == CURLE_OK { return exchange.data }
        // libcurl says REMOTE_FILE_NOT_FOUND both for a UIDVALIDITY that no longer matches and for a
        // UID that is not there: the folder's current UIDVALIDITY tells them apart.
        guard code == CURLE_REMOTE_FILE_NOT_FOUND else { throw failure(code) }
        if try select().uidValidity != uidValidity { throw MailboxError.uidValidityChanged }
        throw MailboxError.server("\(location.folder) holds no message with UID \(uid) (handled or deleted by another client?)")
    }

    /// Marks messages `uids` handled: moves them to `handledFolder` when one is configured (UID MOVE; fallback COPY + \Deleted + EXPUNGE if MOVE is not advertised), else sets \Deleted and expunges them (UID EXPUNGE when UIDPLUS is advertised, else EXPUNGE).
    public func markHandled(uids: [UInt32]) throws {
        guard !uids.isEmpty else { return }
        let uid = IMAPResponse.sequenceSet(uids)
        let offered = try serverCapabilities()
        if let handledFolder {
            let target = MailboxLocation.quoted(handledFolder)
            if offered.contains("MOVE") {
                try creatingTarget { try command("UID MOVE \(uid) \(target)", url: location.folderURL) }
                return
            }
            try creatingTarget { try command("UID COPY \(uid) \(target)", url: location.folderURL) }
        }
        try command("UID STORE \(uid) +FLAGS.SILENT (\\Deleted)", url: location.folderURL)
        // Plain EXPUNGE also removes messages another client marked \Deleted; UID EXPUNGE only this one.
        try command(offered.contains("UIDPLUS") ? "UID EXPUNGE \(uid)" : "EXPUNGE", url: location.folderURL)
    }

    /// Logs in and reads the folder's status without changing anything (not even \Recent): what
    /// `outreach doctor` shows, e.g. "INBOX: 12 messages, UIDVALIDITY 1701234567".
    public func check() throws -> String {
        let folder = MailboxLocation.quoted(location.folder)
        let answer: [UInt8]
        do {
            answer = try command("STATUS \(folder) (MESSAGES UIDVALIDITY)", url: location.serverURL)
        } catch MailboxError.server(let why) {
            throw MailboxError.noFolder(why)
        }
        let status = IMAPResponse.status(IMAPResponse.lines(answer))
        guard let messages = status["MESSAGES"], let uidValidity = status["UIDVALIDITY"] else {
            throw MailboxError.server("no STATUS in the answer to STATUS \(folder)")
        }
        return "\(location.folder): \(messages) message\(messages == 1 ? "" : "s"), UIDVALIDITY \(uidValidity)"
    }

    // MARK: - Commands

    /// A SELECT sent as a custom command on the server URL. Why not the others that work in 7.88:
    /// libcurl's own SELECT (a folder URL) keeps its answer to itself and runs only when libcurl thinks
    /// the folder is not selected yet; EXAMINE would leave the session read-only for the STORE and
    /// EXPUNGE that follow (libcurl would not select again); STATUS does not refresh the session's
    /// view, so a message count from it may not match the message numbers the search then uses.
    private func select() throws -> (uidValidity: UInt32, messages: Int, uidNext: UInt32?) {
        let answer: [UInt8]
        do {
            answer = try command("SELECT \(MailboxLocation.quoted(location.folder))", url: location.serverURL)
        } catch MailboxError.server(let why) {
            throw MailboxError.noFolder(why)
        }
        guard let folder = IMAPResponse.selected(IMAPResponse.lines(answer)) else {
            throw MailboxError.server("no UIDVALIDITY or EXISTS in the answer to SELECT \(location.folder)")
        }
        return folder
    }

    private func serverCapabilities() throws -> Set<String> {
        if let capabilities { return capabilities }
        // Asked after login: servers (Dovecot among them) advertise MOVE and UIDPLUS only then.
        let offered = IMAPResponse.capabilities(IMAPResponse.lines(try command("CAPABILITY", url: location.serverURL)))
        capabilities = offered
        return offered
    }

    /// Runs `copy`; if the server says the handled folder does not exist ([TRYCREATE]), creates it and runs it again.
    private func creatingTarget(_ copy: () throws -> [UInt8]) throws {
        do {
            _ = try copy()
        } catch MailboxError.server(let why) where why.uppercased().contains("[TRYCREATE]") {
            _ = try command("CREATE \(MailboxLocation.quoted(handledFolder ?? ""))", url: location.serverURL)
            _ = try copy()
        }
    }

    /// Sends `request` (on `url`: a folder URL makes libcurl select that folder first when it has
    /// not already) and returns the untagged lines of the answer.
    @discardableResult
    private func command(_ request: String, url: String) throws -> [UInt8] {
        let code = perform(url: url, request: request)
        guard code == CURLE_OK else { throw failure(code) }
        return exchange.data
    }

    private func perform(url: String, request: String?) -> CURLcode {
        exchange.data.removeAll(keepingCapacity: true)
        exchange.lines.removeAll(keepingCapacity: true)
        exchange.lastVerb = ""
        exchange.errorText[0] = 0
        _ = outreach_curl_set_string(handle, CURLOPT_URL, url)
        _ = outreach_curl_set_string(handle, CURLOPT_CUSTOMREQUEST, request)
        return curl_easy_perform(handle)
    }

    /// The error for a failed command: the CURLcode first, then the server's own words.
    private func failure(_ code: CURLcode) -> MailboxError {
        let libcurl = exchange.errorText[0] != 0 ? String(cString: exchange.errorText) : String(cString: curl_easy_strerror(code))
        let server = exchange.lines.lazy.compactMap(IMAPResponse.refusal).last
        let detail = redacted(server ?? libcurl)
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
             CURLE_GOT_NOTHING:
            return .connection("\(location.authority): \(redacted(libcurl))")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CONNECT_ERROR,
             CURLE_SSL_ISSUER_ERROR, CURLE_USE_SSL_FAILED:
            return .tls(redacted(libcurl))
        case CURLE_LOGIN_DENIED:
            // libcurl 7.88 reports a refused SELECT of a folder URL as LOGIN_DENIED ("Select failed").
            return exchange.lastVerb == "SELECT" || exchange.lastVerb == "EXAMINE" ? .noFolder(detail) : .login(detail)
        case CURLE_QUOTE_ERROR:
            return .server(detail)
        default:
            return .server("\(detail) (libcurl error \(code.rawValue))")
        }
    }

    /// Text that could echo the password (a server quoting the command) never leaves this type with it.
    private func redacted(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "(password)")
    }
}

/// libcurl hands over data: a message's bytes, or the untagged lines of a custom command.
private func dataCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    let n = size * count
    guard let buffer, let userdata else { return n }
    let exchange = Unmanaged<CurlIMAPMailbox.Exchange>.fromOpaque(userdata).takeUnretainedValue()
    exchange.data.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
    return n
}

/// libcurl hands over each line the server sends.
private func lineCallback(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?) -> Int {
    let n = size * count
    guard let buffer, let userdata else { return n }
    let exchange = Unmanaged<CurlIMAPMailbox.Exchange>.fromOpaque(userdata).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: buffer, count: n), as: UTF8.self)
    exchange.lines.append(Substring(line.trimmingCharacters(in: .newlines)))
    return n
}

/// libcurl shows each command it sends (`A003 SELECT INBOX`): only the verb is kept, since a LOGIN or
/// AUTHENTICATE line carries the password.
private func commandCallback(_ handle: UnsafeMutableRawPointer?, _ type: curl_infotype, _ data: UnsafeMutablePointer<CChar>?,
                             _ size: Int, _ userdata: UnsafeMutableRawPointer?) -> Int32 {
    guard type == CURLINFO_HEADER_OUT, let data, let userdata else { return 0 }
    let exchange = Unmanaged<CurlIMAPMailbox.Exchange>.fromOpaque(userdata).takeUnretainedValue()
    let head = UnsafeRawBufferPointer(start: data, count: min(size, 32))
    let words = head.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
    // A tagged command is "A<digits> VERB …"; anything else is a continuation (such as SASL data).
    guard words.count >= 2, let tag = words.first, tag.count >= 2, tag.first == UInt8(ascii: "A"),
          tag.dropFirst().allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return 0 }
    let verb = String(decoding: words[1].prefix { $0 != 13 && $0 != 10 }, as: UTF8.self).uppercased()
    // libcurl logs out when it drops a connection after a refusal: the refused command stays the last.
    if verb != "LOGOUT" { exchange.lastVerb = verb }
    if verb == "LOGIN" || verb == "AUTHENTICATE" { exchange.logins += 1 }
    return 0
}
