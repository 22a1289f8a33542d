import Crypto
import Foundation
import OutreachModel

/// What a ticket admits: one person (guest 0) or one of their guests (1…), to one invitation's event.
public struct Ticket: Sendable, Equatable, Hashable {
    public let campaignID: Int64
    public let contactID: Int64
    /// 0 for the person, 1… for each guest.
    public let guest: Int
    public init(campaignID: Int64, contactID: Int64, guest: Int) {
        self.campaignID = campaignID; self.contactID = contactID; self.guest = guest
    }
}

/// Ticket codes: `version ‖ campaign ‖ contact ‖ guest ‖ Ed25519 signature`, written in base32
/// without look-alike characters (`TicketAlphabet`). Anyone with the public key can check a code
/// without the database (the door, offline); only the installation can make one. Whether a
/// valid code is still honoured (not revoked) is the register's answer.
public struct TicketSigner: Sendable {
    private let key: Curve25519.Signing.PrivateKey
    static let version: UInt8 = 1
    static let payloadLength = 1 + 4 + 4 + 1

    /// A key made from 32 bytes of seed (`LinkSigner.tickets`: derived from the link secret, so
    /// it needs no file of its own and belongs to the database the way the secret does).
    init(seed: [UInt8]) {
        key = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed)  // 32 bytes: always a valid seed
    }

    /// The key that checks codes (what the door needs).
    public var verifier: TicketVerifier { TicketVerifier(publicKey: key.publicKey) }

    /// The code of `ticket`.
    public func code(_ ticket: Ticket) -> String {
        let payload = Self.payload(ticket)
        let signature = try! key.signature(for: payload)  // signing with a valid key does not fail
        return TicketAlphabet.encode(payload + signature)
    }

    static func payload(_ t: Ticket) -> [UInt8] {
        var bytes: [UInt8] = [version]
        for value in [UInt32(truncatingIfNeeded: t.campaignID), UInt32(truncatingIfNeeded: t.contactID)] {
            bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }
        bytes.append(UInt8(clamping: t.guest))
        return bytes
    }
}

/// Checks ticket codes with the public key alone.
public struct TicketVerifier: Sendable {
    public let publicKey: Curve25519.Signing.PublicKey

    public init(publicKey: Curve25519.Signing.PublicKey) { self.publicKey = publicKey }

    /// The ticket a code stands for, or nil for anything not signed by this installation. Spaces,
    /// dashes and lower case (a code typed at the desk) are forgiven.
    public func ticket(_ code: String) -> Ticket? {
        guard let bytes = TicketAlphabet.decode(code), bytes.count == TicketSigner.payloadLength + 64 else { return nil }
        let payload = Array(bytes.prefix(TicketSigner.payloadLength)), signature = Data(bytes.suffix(64))
        guard payload[0] == TicketSigner.version, publicKey.isValidSignature(signature, for: payload) else { return nil }
        func u32(_ at: Int) -> Int64 { Int64(payload[at]) << 24 | Int64(payload[at + 1]) << 16 | Int64(payload[at + 2]) << 8 | Int64(payload[at + 3]) }
        return Ticket(campaignID: u32(1), contactID: u32(5), guest: Int(payload[9]))
    }

    /// The hash the door's offline roster holds for a code (hex SHA-256 of its canonical form):
    /// the roster says which codes are honoured without handing out the codes themselves.
    public static func hash(_ code: String) -> String {
        SHA256.hash(data: Data(TicketAlphabet.canonical(code).utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Base32 over `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`: no 0/O, no 1/I, so a code read aloud or typed
/// from paper has no look-alikes.
public enum TicketAlphabet {
    static let letters = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
    static let values: [UInt8: UInt8] = Dictionary(uniqueKeysWithValues: letters.enumerated().map { ($1, UInt8($0)) })

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = [], buffer = 0, bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte); bits += 8
            while bits >= 5 { bits -= 5; out.append(letters[(buffer >> bits) & 31]) }
        }
        if bits > 0 { out.append(letters[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A code as typed, upper-cased without spaces and dashes.
    public static func canonical(_ code: String) -> String {
        String(code.uppercased().unicodeScalars.filter { $0 != " " && $0 != "-" }.map(Character.init))
    }

    public static func decode(_ code: String) -> [UInt8]? {
        let text = canonical(code)
        guard text.utf8.count <= 200 else { return nil }
        var out: [UInt8] = [], buffer = 0, bits = 0
        for c in text.utf8 {
            guard let v = values[c] else { return nil }
            buffer = (buffer << 5 | Int(v)) & 0xffff; bits += 5
            if bits >= 8 { bits -= 8; out.append(UInt8((buffer >> bits) & 0xff)) }
        }
        // One spelling per code: the padding bits of the last character must be zero.
        guard bits < 5, buffer & ((1 << bits) - 1) == 0 else { return nil }
        return out
    }
}

extension TicketAlphabet {
    /// A code in groups of five, for reading and typing (`verify` ignores the dashes).
    public static func grouped(_ code: String) -> String {
        var out = "", n = 0
        for c in code {
            if n > 0, n % 5 == 0 { out.append("-") }
            out.append(c); n += 1
        }
        return out
    }
}
