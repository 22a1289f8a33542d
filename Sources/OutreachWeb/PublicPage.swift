import Foundation
import Hummingbird
import OutreachModel

/// What the pages of people managing their own consent share: the visitor's language, form
/// bodies with repeated fields, evidence for the ledgers, and the answer itself.
enum PublicPage {
    /// The languages every public page and mail is written in, each named in itself.
    static let languages: [(code: String, name: String)] = [
        ("vi", "Tiếng Việt"), ("en", "English"), ("fr", "Français"), ("ko", "한국어"), ("ja", "日本語"), ("zh", "中文"),
    ]
    static let languageCodes = Set(languages.map(\.code))

    /// `?lang=` when it names one of ours, else the first of the browser's `Accept-Language` we
    /// write (in the order given), else English.
    static func language(_ request: Request) -> String {
        if let asked = request.uri.queryParameters.get("lang"), languageCodes.contains(asked) { return asked }
        for item in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            let tag = item.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
            let primary = String(tag.prefix { $0 != "-" })
            if languageCodes.contains(primary) { return primary }
        }
        return "en"
    }

    /// The language choices of a form, `selected` marking one.
    static func languageChoices(selected: String?) -> [[String: Any]] {
        languages.map { ["code": $0.code, "name": $0.name, "selected": $0.code == selected] }
    }

    /// The links that show the page in each other language.
    static func languageSwitch(path: String, current: String) -> [[String: Any]] {
        languages.filter { $0.code != current }.map { ["code": $0.code, "name": $0.name, "url": "\(path)?lang=\($0.code)"] }
    }

    /// An urlencoded body (what a browser's form posts), fields in order and repeated as sent;
    /// at most `limit` bytes.
    static func fields(_ request: Request, limit: Int = 16_384) async throws -> [(name: String, value: String)] {
        urlencoded(String(buffer: try await request.body.collect(upTo: limit)))
    }

    /// The fields of an urlencoded text, in order and repeated as sent (nameless ones dropped).
    static func urlencoded(_ body: String) -> [(name: String, value: String)] {
        body.utf8.split(separator: UInt8(ascii: "&")).compactMap { pair in
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = formText(pair[..<(equals ?? pair.endIndex)])
            guard !name.isEmpty else { return nil }
            return (name, equals.map { formText(pair[pair.index(after: $0)...]) } ?? "")
        }
    }

    /// One name or value of a form: `+` is a space, `%XX` a byte; "" when an escape is broken or
    /// the bytes are not UTF-8. On bytes (Foundation's string replacing was a one-click's
    /// largest own cost after the link check).
    static func formText(_ text: Substring.UTF8View) -> String {
        guard text.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else { return String(Substring(text)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count)
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if c == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if c == UInt8(ascii: "%") {
                let high = text.index(after: i)
                guard high < text.endIndex, text.index(after: high) < text.endIndex,
                      let h = hexValue(text[high]), let l = hexValue(text[text.index(after: high)]) else { return "" }
                bytes.append(h << 4 | l)
                i = text.index(after: high)
            } else {
                bytes.append(c)
            }
            i = text.index(after: i)
        }
        return String(validating: bytes, as: UTF8.self) ?? ""
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Text from a visitor made safe for the ledger and logs: no control characters, at most `max` characters.
    static func clean(_ text: String, max: Int) -> String {
        let scalars = text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }
        return String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces).prefix(max).precomposedStringWithCanonicalMapping
    }

    /// Where a request came from, for evidence: IP (and an unverified X-Forwarded-For), user agent.
    static func origin(_ request: Request, _ context: OutreachRequestContext) -> (ip: String, evidence: String) {
        let ip = context.peer ?? "unknown"
        let forwarded = request.headers[.init("X-Forwarded-For")!].map { "; forwarded-for=\(clean($0, max: 100))" } ?? ""
        let agent = request.headers[.userAgent].map { clean($0, max: 200) } ?? "-"
        return (ip, "ip=\(ip)\(forwarded); user-agent=\(agent)")
    }

    /// An HTML answer; `policy` replaces the default Content-Security-Policy (the sign-up page runs its own script).
    static func html(_ html: String, status: HTTPResponse.Status = .ok, policy: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        if let policy { headers[.contentSecurityPolicy] = policy }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
