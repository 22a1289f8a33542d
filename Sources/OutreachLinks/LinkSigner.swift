import Crypto
import Foundation

/// What a link lets its holder do.
public enum LinkPurpose: UInt8, Sendable, CaseIterable {
    case unsubscribe = 1, confirm = 2, rsvp = 3
    /// The envelope sender of one message (VERP): a delivery report about it names the campaign and contact.
    case bounce = 4
    /// A sign-up's confirmation (`/join/confirm/…`): the "contact" is the sign-up request, the campaign 0.
    case join = 5
    /// A person's preference page (`/p/…`): the contact, and the campaign whose message carried it (0: none).
    case preferences = 6
    /// Taking a seat offered from the waitlist (`/s/{token}`).
    case seat = 7
}

/// What a valid token stands for.
public struct LinkClaim: Sendable, Equatable {
    public let purpose: LinkPurpose
    public let contactID: Int64
    public let campaignID: Int64
}

/// Signs and opens the tokens in every link. A token is base64url of
/// `version ‖ tag(16) ‖ payload ⊕ keystream`: the tag is HMAC-SHA256 over the version and the
/// payload (purpose, contact, campaign; version 1 signed the payload alone) truncated to 128 bits, and the payload is hidden with a keystream derived
/// from the tag (a synthetic-IV construction), so no id shows and nothing can be enumerated.
/// Older secrets stay accepted after a rotation.
public struct LinkSigner: Sendable {
    /// The two derived keys, kept as HMAC states already keyed: a token costs two HMACs, and
    /// keying one (hashing the padded key) is half its work.
    private struct Keys: @unchecked Sendable {  // HMAC is a value type; these are only copied
        let macState: HMAC<SHA256>
        let streamState: HMAC<SHA256>
        init(mac: SymmetricKey, stream: SymmetricKey) {
            macState = HMAC(key: mac)
            streamState = HMAC(key: stream)
        }
        // The bytes go in as one buffer and the code comes out as one copy (iterating a
        // generic collection byte by byte was most of a token's cost).
        func mac(_ data: [UInt8]) -> [UInt8] { Self.code(macState, data) }
        func stream(_ data: [UInt8]) -> [UInt8] { Self.code(streamState, data) }
        private static func code(_ state: HMAC<SHA256>, _ data: [UInt8]) -> [UInt8] {
            var h = state
            data.withUnsafeBytes { h.update(data: $0) }
            return h.finalize().withUnsafeBytes { Array($0) }
        }
    }
    private let current: Keys
    private let older: [Keys]
    /// Per secret (current first), an HMAC of a fixed label under it: which secret signed the
    /// links, told without revealing it (the register keeps the one its links were signed with).
    public let fingerprints: [String]
    /// The key that signs the sign-up's proof-of-work challenges (`ProofOfWork`), derived from
    /// the current secret.
    public let challengeKey: SymmetricKey
    /// The version bytes written (the first that spells well, see `token`); 1 is still read.
    private static let variants: ClosedRange<UInt8> = 2...9
    private static let tagLength = 16
    private static let payloadLength = 17

    /// `secrets`: the current secret first, then older ones still accepted.
    public init(secrets: [String]) {
        precondition(!secrets.isEmpty, "a link signer needs a secret")
        let keys = secrets.map { secret -> Keys in
            let root = SymmetricKey(data: Data(secret.utf8))
            func derive(_ label: String) -> SymmetricKey {
                SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(label.utf8), using: root)))
            }
            return Keys(mac: derive("outreach link mac"), stream: derive("outreach link stream"))
        }
        current = keys[0]
        older = Array(keys.dropFirst())
        fingerprints = secrets.map { secret in
            HMAC<SHA256>.authenticationCode(for: Data("outreach link secret fingerprint".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                .prefix(16).map { String(format: "%02x", $0) }.joined()
        }
        challengeKey = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(
            for: Data("outreach signup challenge".utf8), using: SymmetricKey(data: Data(secrets[0].utf8)))))
    }

    /// Reads the secret file (one secret a line, current first; `#` comments), creating it with a
    /// new random secret when it does not exist (see `LinkSecretFile`).
    public static func load(secretFile path: String) throws -> LinkSigner {
        LinkSigner(secrets: try LinkSecretFile.secrets(at: path))
    }

    /// The installation's ticket signer: its Ed25519 key is derived from the current secret.
    public var tickets: TicketSigner { TicketSigner(seed: current.mac(Array("outreach ticket key".utf8))) }

    /// The token for a claim: the first of its variants (the version byte, which the tag covers)
    /// whose spelling no spam filter reads as a Bitcoin address (`looksLikeCoinAddress`).
    public func token(_ claim: LinkClaim) -> String {
        let payload = Self.payload(claim)
        var token = ""
        for version in Self.variants {
            token = Self.sealed(payload, version: version, keys: current)
            if !Self.looksLikeCoinAddress(token) { break }
        }
        return token
    }

    private static func sealed(_ payload: [UInt8], version: UInt8, keys: Keys) -> String {
        let tag = keys.mac(macInput(payload, version: version)).prefix(tagLength)
        let stream = keys.stream(Array(tag))
        var bytes: [UInt8] = [version]
        bytes.append(contentsOf: tag)
        for i in 0..<payload.count { bytes.append(payload[i] ^ stream[i]) }
        return base64url(bytes)
    }

    /// What the tag signs: version 1 (the tokens sent first, which keep opening) the payload
    /// alone; the variants written since, the version byte too, so each variant of a claim is
    /// spelled differently all through.
    private static func macInput(_ payload: [UInt8], version: UInt8) -> [UInt8] {
        version == 1 ? payload : [version] + payload
    }

    /// Whether a word of `token` (what lies between the `-` and `~` that end a word for a regex's
    /// `\b`) could be read as a Bitcoin address. SpamAssassin's `__BITCOIN_ID` (PDS_BTC_ID and
    /// OBFU_BITCOIN, +2.0 together) matches a word of 30–35 base58 characters starting with 1 or 3,
    /// or "bc1" and 30–90 of bech32's; about one token in three hundred was such a word.
    static func looksLikeCoinAddress(_ token: String) -> Bool {
        // One pass, no allocation: this runs for every link of every message composed.
        var bytes = Substring(token).utf8
        while !bytes.isEmpty {
            let end = bytes.firstIndex { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "~") } ?? bytes.endIndex
            let word = bytes[..<end]
            if let first = word.first {
                if (first == UInt8(ascii: "1") || first == UInt8(ascii: "3")) && (30...35).contains(word.count) && word.allSatisfy(isBase58) {
                    return true
                }
                if word.starts(with: "bc1".utf8) && (33...93).contains(word.count) && word.dropFirst(3).allSatisfy(isBech32) { return true }
            }
            bytes = end == bytes.endIndex ? bytes[end...] : bytes[bytes.index(after: end)...]
        }
        return false
    }

    private static func isBase58(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "1")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "k"), UInt8(ascii: "m")...UInt8(ascii: "z"):
            true
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): c != UInt8(ascii: "I") && c != UInt8(ascii: "O")
        default: false
        }
    }

    private static func isBech32(_ c: UInt8) -> Bool {
        "acdefghjklmnpqrstuvwxyz234567890".utf8.contains(c)
    }

    public func token(_ purpose: LinkPurpose, contactID: Int64, campaignID: Int64) -> String {
        token(LinkClaim(purpose: purpose, contactID: contactID, campaignID: campaignID))
    }

    /// The claim of a genuine token, nil for anything else (forged, truncated, altered, foreign).
    public func open(_ token: String, as purpose: LinkPurpose? = nil) -> LinkClaim? {
        guard token.utf8.count == 46, let bytes = Self.unbase64url(token), bytes.count == 1 + Self.tagLength + Self.payloadLength,
              bytes[0] == 1 || Self.variants.contains(bytes[0]) else { return nil }
        let tag = Array(bytes[1...Self.tagLength])
        let hidden = bytes[(1 + Self.tagLength)...]
        for keys in [current] + older {
            let stream = keys.stream(tag)
            let payload = hidden.enumerated().map { $0.element ^ stream[$0.offset] }
            let expected = keys.mac(Self.macInput(payload, version: bytes[0])).prefix(Self.tagLength)
            guard constantTimeEqual(Array(expected), tag) else { continue }
            guard let claim = Self.claim(payload), purpose == nil || claim.purpose == purpose else { return nil }
            return claim
        }
        return nil
    }

    /// The token in an address's local part (`ReturnAddress`): lowercase base32 of
    /// `tag(10) ‖ payload ⊕ keystream`, 44 characters. Some mail systems change the case of local
    /// parts, so only letters of one case and digits; the tag is shorter than a link's (80 bits)
    /// so that the address stays under the 64 characters a local part may have.
    public func addressToken(_ purpose: LinkPurpose, contactID: Int64, campaignID: Int64) -> String {
        let payload = Self.payload(LinkClaim(purpose: purpose, contactID: contactID, campaignID: campaignID))
        let tag = current.mac([Self.addressDomain] + payload).prefix(Self.addressTagLength)
        let stream = current.stream([Self.addressDomain] + Array(tag))
        var bytes = Array(tag)
        for i in 0..<payload.count { bytes.append(payload[i] ^ stream[i]) }
        return Self.base32(bytes)
    }

    /// The claim of a genuine address token, nil for anything else. Case does not matter.
    public func openAddressToken(_ token: String) -> LinkClaim? {
        guard token.utf8.count == 44, let bytes = Self.unbase32(token.lowercased()),
              bytes.count == Self.addressTagLength + Self.payloadLength else { return nil }
        let tag = Array(bytes[0..<Self.addressTagLength])
        let hidden = bytes[Self.addressTagLength...]
        for keys in [current] + older {
            let stream = keys.stream([Self.addressDomain] + tag)
            let payload = hidden.enumerated().map { $0.element ^ stream[$0.offset] }
            guard constantTimeEqual(Array(keys.mac([Self.addressDomain] + payload).prefix(Self.addressTagLength)), tag) else { continue }
            return Self.claim(payload)
        }
        return nil
    }

    /// Keeps address tokens and link tokens apart: one can never be read as the other.
    private static let addressDomain: UInt8 = 0xA0
    private static let addressTagLength = 10

    private static func payload(_ claim: LinkClaim) -> [UInt8] {
        var payload = [UInt8]()
        payload.reserveCapacity(payloadLength)
        payload.append(claim.purpose.rawValue)
        withUnsafeBytes(of: claim.contactID.bigEndian) { payload.append(contentsOf: $0) }
        withUnsafeBytes(of: claim.campaignID.bigEndian) { payload.append(contentsOf: $0) }
        return payload
    }

    private static func claim(_ payload: [UInt8]) -> LinkClaim? {
        guard let p = LinkPurpose(rawValue: payload[0]) else { return nil }
        let contact = payload[1...8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let campaign = payload[9...16].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return LinkClaim(purpose: p, contactID: contact, campaignID: campaign)
    }

    private static let base32Alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// Lowercase base32 without padding (RFC 4648 §6).
    static func base32(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for b in bytes {
            buffer = buffer << 8 | UInt32(b); bits += 8
            while bits >= 5 { bits -= 5; out.append(base32Alphabet[Int((buffer >> UInt32(bits)) & 31)]) }
        }
        if bits > 0 { out.append(base32Alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of lowercase base32, nil unless it is the one spelling `base32` writes.
    static func unbase32(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0, bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case 0x61...0x7A: v = UInt32(c - 0x61)
            case 0x32...0x37: v = UInt32(c - 0x32 + 26)
            default: return nil
            }
            buffer = buffer << 5 | v; bits += 5
            if bits >= 8 { bits -= 8; out.append(UInt8((buffer >> UInt32(bits)) & 0xFF)) }
        }
        // The unused low bits of the last character must be zero.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }

    /// base64url's alphabet with `~` (unreserved in URLs too) for `e`: a link's token is visible
    /// text in a plain-text part, and its random `e`s pushed SpamAssassin's count of plain e
    /// among the accented ones of Vietnamese messages over MIXED_ES's threshold (+1.0).
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcd~fghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// base64url without padding (RFC 4648 §5), `~` written for `e`.
    static func base64url(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18)]); out.append(alphabet[Int((n >> 12) & 63)])
            out.append(alphabet[Int((n >> 6) & 63)]); out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            if rest == 2 { out.append(alphabet[Int((n >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a token, nil unless it is the one spelling `base64url` writes: any other
    /// character, or a last character whose unused low bits are not zero, is refused. `e` reads as
    /// `~` (tokens written before `~` stood for `e` keep opening). Read on bytes: going through
    /// Foundation's string replacing and `Data(base64Encoded:)` was most of a one-click's own cost.
    static func unbase64url(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0, bits = 0
        for c in text.utf8 {
            let v: UInt32
            switch c {
            case 0x41...0x5A: v = UInt32(c - 0x41)
            case 0x61...0x7A: v = UInt32(c - 0x61 + 26)  // `e` among them: 30, as `~`
            case 0x7E: v = 30
            case 0x30...0x39: v = UInt32(c - 0x30 + 52)
            case 0x2D: v = 62
            case 0x5F: v = 63
            default: return nil
            }
            buffer = buffer << 6 | v; bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8((buffer >> UInt32(bits)) & 0xFF)) }
        }
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }

    private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
