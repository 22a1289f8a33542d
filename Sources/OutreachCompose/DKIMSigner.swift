import Crypto
import Foundation
import OutreachModel

/// Signs finished messages with DKIM (RFC 6376): one `DKIM-Signature` header per key, prepended
/// to the message's bytes, relaxed/relaxed, over the same header list and one body hash.
///
/// Receivers need an RSA signature (Gmail verifies only `rsa-sha256`); an Ed25519 one
/// (RFC 8463) is smaller and outlives RSA: the usual setup signs with both.
public struct DKIMSigner: Sendable {
    /// The `d=` tag: the domain whose DNS holds the public keys (aligned with the From domain for DMARC).
    public let domain: String
    /// The keys, one signature each, in this order from the top of the message.
    public let keys: [DKIMKey]

    /// The header fields a signature covers, in `h=` order, once per instance in the message;
    /// a field the message lacks (Reply-To without `sender.reply_to`) is not listed.
    public static let signedHeaders = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "reply-to",
        "list-id", "list-unsubscribe", "list-unsubscribe-post",
    ]
    /// Fields listed once more than the message has them: the extra entry covers an absent
    /// instance, so a second From, Subject or List-* field added after signing breaks the signature
    /// (RFC 6376 §8.15). RFC 8058 one-click needs List-Unsubscribe and List-Unsubscribe-Post covered.
    public static let oversignedHeaders = ["from", "subject", "list-id", "list-unsubscribe", "list-unsubscribe-post"]

    private static let signedNames = signedHeaders.map { Array($0.utf8) }
    private static let oversignedNames = oversignedHeaders.map { Array($0.utf8) }

    /// A signer for `domain` with these keys (usually an RSA key and an Ed25519 key).
    public init(domain: String, keys: [DKIMKey]) throws {
        guard DKIMKey.isDNSName(domain), domain.contains(".") else { throw DKIMKeyError.badDomain(domain) }
        self.domain = domain.lowercased()
        self.keys = keys
    }

    /// `message` (CRLF line ends, as composed) with a `DKIM-Signature` header per key in front.
    /// `time` is the `t=` tag.
    public func sign(_ message: [UInt8], time: Date = Date()) -> [UInt8] {
        guard !keys.isEmpty else { return message }
        let (names, headers, bodyHash) = message.withUnsafeBufferPointer { m -> ([[UInt8]], [UInt8], String) in
            let (fields, bodyStart) = DKIMCanonicalization.fields(m)
            let body = DKIMCanonicalization.body(UnsafeBufferPointer(rebasing: m[bodyStart...]))
            let bodyHash = Data(SHA256.hash(data: body)).base64EncodedString()
            let names = DKIMSigner.headerList(fields, in: m)
            return (names, DKIMSigner.canonicalHeaders(names, fields, in: m), bodyHash)
        }
        var hasher = SHA256()
        hasher.update(data: headers)
        let common = DKIMSigner.commonTags(domain: domain, time: time, names: names, bodyHash: bodyHash)
        var out: [UInt8] = []
        out.reserveCapacity(message.count + keys.count * 900)
        for key in keys {
            let unsigned = "DKIM-Signature: v=1; a=\(key.algorithm.signatureAlgorithm); c=relaxed/relaxed; d=\(domain);\r\n s=\(key.selector); \(common) b="
            var h = hasher
            h.update(data: Array(DKIMCanonicalization.header(unsigned, terminated: false).utf8))
            let signature: Data
            do { signature = try key.signature(for: h.finalize()) } catch {
                // Only a broken crypto library fails here: the key signed when it was loaded.
                fatalError("DKIM signing with selector \(key.selector) failed: \(error)")
            }
            out.append(contentsOf: unsigned.utf8)
            DKIMSigner.appendFolded(signature.base64EncodedString(), to: &out)
        }
        out.append(contentsOf: message)
        return out
    }

    /// The `h=` list for a message: each signed field once per instance, oversigned ones once more.
    static func headerList(_ fields: [DKIMCanonicalization.Field], in m: UnsafeBufferPointer<UInt8>) -> [[UInt8]] {
        var list: [[UInt8]] = []
        var extra: [[UInt8]] = []
        for name in signedNames {
            let count = fields.reduce(0) { $0 + (DKIMCanonicalization.field($1, in: m, isNamed: name) ? 1 : 0) }
            for _ in 0..<count { list.append(name) }
            if oversignedNames.contains(name) { extra.append(name) }
        }
        return list + extra
    }

    /// The `h=` list of `message` as text (`from:to:…`).
    public static func headerList(of message: [UInt8]) -> String {
        message.withUnsafeBufferPointer { m in
            headerList(DKIMCanonicalization.fields(m).fields, in: m).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ":")
        }
    }

    /// The canonical header fields a signature covers, in `h=` order: each listed name takes
    /// that name's instances from the bottom up (RFC 6376 §5.4.2); one left without an
    /// instance adds nothing.
    static func canonicalHeaders(_ names: [[UInt8]], _ fields: [DKIMCanonicalization.Field], in m: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        var used = [Int](repeating: 0, count: names.count)  // by the index of a name's first entry
        for name in names {
            // How many times the name came before in the list: that many instances are taken.
            let first = names.firstIndex(of: name)!
            let skip = used[first]
            used[first] += 1
            var seen = 0
            for f in fields.reversed() where DKIMCanonicalization.field(f, in: m, isNamed: name) {
                if seen == skip { DKIMCanonicalization.appendHeader(f, of: m, to: &out); break }
                seen += 1
            }
        }
        return out
    }

    /// `t=…;` then `h=…;` folded at colons to keep lines short, then `bh=…;`, each line indented.
    static func commonTags(domain: String, time: Date, names: [[UInt8]], bodyHash: String) -> String {
        var text = "t=\(Int64(time.timeIntervalSince1970.rounded(.down)));\r\n h="
        var column = 3
        for (i, name) in names.enumerated() {
            let word = String(decoding: name, as: UTF8.self) + (i == names.count - 1 ? ";" : ":")
            if column + word.utf8.count > 76 { text += "\r\n "; column = 1 }
            text += word
            column += word.utf8.count
        }
        return text + "\r\n bh=\(bodyHash);\r\n"
    }

    /// The signature in lines of at most 76 characters (whitespace inside `b=` is ignored), then CRLF.
    static func appendFolded(_ base64: String, to out: inout [UInt8]) {
        let bytes = Array(base64.utf8)
        var i = 0
        var width = 73  // after " b="
        while i < bytes.count {
            let end = min(bytes.count, i + width)
            if i > 0 { out.append(contentsOf: [0x0D, 0x0A, 0x20]) }
            out.append(contentsOf: bytes[i..<end])
            i = end
            width = 75
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }
}
