/// One MIME entity (RFC 2045/2046): a message or a body part, its header, its body as a slice of
/// the bytes read, and what it contains — the parts of a multipart, or the one message enclosed
/// in a message/rfc822 or message/global part. Bodies are decoded only when asked.
struct MIMEEntity {
    var header: HeaderFields
    var contentType: ContentType
    /// The body as written (still transfer-encoded).
    var body: ArraySlice<UInt8>
    /// The parts of a multipart, or the enclosed message of message/rfc822 and message/global.
    var children: [MIMEEntity] = []

    /// Nesting deeper than this is not followed: no real report needs it, and a hostile message
    /// must not exhaust the stack.
    static let maximumDepth = 24

    /// Reads an entity: header, then body, then (for multiparts and enclosed messages) what it holds.
    /// `defaultType` is text/plain, or message/rfc822 inside multipart/digest (RFC 2046 §5.1.5).
    init(_ bytes: ArraySlice<UInt8>, defaultType: ContentType = .textPlain, depth: Int = 0) {
        let (header, bodyStart) = HeaderFields.parse(bytes, from: bytes.startIndex)
        self.init(header: header, body: bytes[bodyStart...], defaultType: defaultType, depth: depth)
    }

    init(header: HeaderFields, body: ArraySlice<UInt8>, defaultType: ContentType = .textPlain, depth: Int = 0) {
        self.header = header
        self.body = body
        self.contentType = header.first("content-type").flatMap { ContentType($0.unfolded) } ?? defaultType
        guard depth < Self.maximumDepth else { return }
        if contentType.isMultipart, let boundary = contentType.parameters["boundary"], !boundary.isEmpty {
            let childDefault: ContentType = contentType.subtype == "digest" ? .messageRFC822 : .textPlain
            children = Self.parts(of: body, boundary: Array(boundary.utf8)).map {
                MIMEEntity($0, defaultType: childDefault, depth: depth + 1)
            }
        } else if contentType.type == "message", contentType.subtype == "rfc822" || contentType.subtype == "global" {
            let enclosed = transferEncoding == nil ? body : decodedBody[...]
            children = [MIMEEntity(enclosed, depth: depth + 1)]
        }
    }

    /// The lower-cased Content-Transfer-Encoding when it is one that changes the bytes.
    var transferEncoding: String? {
        guard let value = header.first("content-transfer-encoding")?.text.lowercased() else { return nil }
        return value == "base64" || value == "quoted-printable" ? value : nil
    }

    /// The body with its transfer encoding undone.
    var decodedBody: [UInt8] {
        switch transferEncoding {
        case "base64": TransferEncoding.base64(body)
        case "quoted-printable": TransferEncoding.quotedPrintable(body)
        default: Array(body)
        }
    }

    /// The body as text in its declared charset.
    var text: String { Charset.decode(decodedBody, charset: contentType.parameters["charset"]) }

    /// This entity and everything inside it, depth first, in the order written.
    var walk: [MIMEEntity] {
        var all = [self]
        for child in children { all += child.walk }
        return all
    }

    /// The first entity, depth first from this one, for which `matches` holds, not looking inside
    /// enclosed messages: a returned original can itself be a report and must not be mistaken for
    /// the one we read.
    func first(where matches: (MIMEEntity) -> Bool) -> MIMEEntity? {
        if matches(self) { return self }
        guard contentType.isMultipart else { return nil }
        for child in children {
            if let found = child.first(where: matches) { return found }
        }
        return nil
    }

    /// The bodies of the parts of a multipart body (RFC 2046 §5.1.1). A delimiter is a line that is
    /// "--" boundary, optionally "--" for the last one, then only white space. The CR LF before a
    /// delimiter belongs to it. Preamble and epilogue are dropped; a missing close delimiter ends the
    /// last part at the end of the bytes.
    static func parts(of body: ArraySlice<UInt8>, boundary: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var i = body.startIndex
        while i < body.endIndex {
            let (content, next) = body.line(at: i)
            if content.count >= boundary.count + 2, body[i] == .hyphen, body[i + 1] == .hyphen,
               body[(i + 2)..<(i + 2 + boundary.count)].elementsEqual(boundary) {
                var rest = i + 2 + boundary.count
                let closes = rest + 1 < content.upperBound && body[rest] == .hyphen && body[rest + 1] == .hyphen
                if closes { rest += 2 }
                if body[rest..<content.upperBound].allSatisfy(\.isWhitespace) {
                    if let start = partStart {
                        // The line break before the delimiter is part of the delimiter.
                        var end = i
                        if end > start, body[end - 1] == .lf { end -= 1 }
                        if end > start, body[end - 1] == .cr { end -= 1 }
                        parts.append(body[start..<max(start, end)])
                    }
                    if closes { return parts }
                    partStart = next
                }
            }
            i = next
        }
        if let start = partStart, start <= body.endIndex { parts.append(body[start...]) }
        return parts
    }
}
