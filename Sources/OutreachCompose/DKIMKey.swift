import Crypto
import Foundation
import OutreachModel
import _CryptoExtras

/// A DKIM private key and the selector its public half is published under
/// (`SELECTOR._domainkey.DOMAIN`). Read from, and written as, PKCS#8 PEM files like those of
/// `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` and `openssl genpkey -algorithm ed25519`.
public struct DKIMKey: Sendable {
    /// The two signing algorithms DKIM receivers know (RFC 6376 and RFC 8463).
    public enum Algorithm: String, Sendable, CaseIterable {
        case rsa, ed25519

        /// The `a=` tag of a signature made with this kind of key.
        public var signatureAlgorithm: String { self == .rsa ? "rsa-sha256" : "ed25519-sha256" }
    }

    enum Secret: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    /// The `s=` tag: the DNS label the public key is published under.
    public let selector: String
    let secret: Secret

    /// Which algorithm this key signs with.
    public var algorithm: Algorithm {
        switch secret {
        case .rsa: .rsa
        case .ed25519: .ed25519
        }
    }

    init(selector: String, secret: Secret) throws {
        guard DKIMKey.isDNSName(selector) else { throw DKIMKeyError.badSelector(selector) }
        self.selector = selector
        self.secret = secret
    }

    /// A key from PEM text (PKCS#8, or PKCS#1 for RSA); `file` only names the source in errors.
    public init(selector: String, pem: String, algorithm: Algorithm, file: String = "PEM text") throws {
        let secret: Secret
        switch algorithm {
        case .rsa:
            do { secret = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: pem)) } catch {
                if (try? Curve25519.Signing.PrivateKey(pemRepresentation: pem)) != nil {
                    throw DKIMKeyError.wrongAlgorithm(file: file, expected: .rsa, found: .ed25519)
                }
                throw DKIMKeyError.notAKey(file: file, expected: .rsa)
            }
        case .ed25519:
            do { secret = .ed25519(try Curve25519.Signing.PrivateKey(pemRepresentation: pem)) } catch {
                if (try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)) != nil {
                    throw DKIMKeyError.wrongAlgorithm(file: file, expected: .ed25519, found: .rsa)
                }
                throw DKIMKeyError.notAKey(file: file, expected: .ed25519)
            }
        }
        try self.init(selector: selector, secret: secret)
    }

    /// Reads the key in `file`, refusing one that group or others may read (mode 0600 or stricter).
    public static func load(selector: String, file: String, algorithm: Algorithm) throws -> DKIMKey {
        var info = stat()
        guard stat(file, &info) == 0 else { throw DKIMKeyError.unreadable(file: file, reason: String(cString: strerror(errno))) }
        guard info.st_mode & 0o077 == 0 else { throw DKIMKeyError.tooOpen(file: file, mode: UInt32(info.st_mode & 0o777)) }
        guard let data = FileManager.default.contents(atPath: file) else { throw DKIMKeyError.unreadable(file: file, reason: "cannot read it") }
        return try DKIMKey(selector: selector, pem: String(decoding: data, as: UTF8.self), algorithm: algorithm, file: file)
    }

    /// A new random key: RSA of 2048 bits, or Ed25519.
    public static func generate(selector: String, algorithm: Algorithm) throws -> DKIMKey {
        switch algorithm {
        case .rsa: try DKIMKey(selector: selector, secret: .rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
        case .ed25519: try DKIMKey(selector: selector, secret: .ed25519(Curve25519.Signing.PrivateKey()))
        }
    }

    /// The private key as PKCS#8 PEM (what `openssl genpkey` writes), ending with a line break.
    public var pemRepresentation: String {
        let pem = switch secret {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
        return pem.hasSuffix("\n") ? pem : pem + "\n"
    }

    /// The `p=` tag of the DNS record: the SubjectPublicKeyInfo DER for RSA (RFC 6376), the raw
    /// 32-byte public key for Ed25519 (RFC 8463), in base64.
    public var publicKeyBase64: String {
        switch secret {
        case .rsa(let key): key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The TXT record's text: `v=DKIM1; k=rsa; p=…`.
    public var dnsRecordText: String { "v=DKIM1; k=\(algorithm.rawValue); p=\(publicKeyBase64)" }

    /// The zone-file line to publish for `domain`. Strings in a TXT record hold at most 255
    /// bytes, so a longer text (an RSA key) is split into several quoted strings, which
    /// receivers join.
    public func dnsRecord(domain: String) -> String {
        var chunks: [Substring] = []
        var rest = Substring(dnsRecordText)
        while !rest.isEmpty {
            chunks.append(rest.prefix(255))
            rest = rest.dropFirst(255)
        }
        return "\(selector)._domainkey.\(domain) IN TXT " + chunks.map { "\"\($0)\"" }.joined(separator: " ")
    }

    /// Writes the key to a new file created with mode 0600 (never an existing file).
    public func write(toNewFile path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw DKIMKeyError.exists(file: path) }
            throw DKIMKeyError.cannotWrite(file: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let bytes = Array(pemRepresentation.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw DKIMKeyError.cannotWrite(file: path, reason: String(cString: strerror(errno)))
            }
            done += n
        }
        guard fsync(fd) == 0 else { throw DKIMKeyError.cannotWrite(file: path, reason: String(cString: strerror(errno))) }
    }

    /// The signature of a SHA-256 digest of the signed data: PKCS#1 v1.5 for RSA (RFC 6376;
    /// swift-crypto's default, PSS, is not DKIM), PureEdDSA over the digest for Ed25519 (RFC 8463).
    func signature(for digest: SHA256.Digest) throws -> Data {
        switch secret {
        case .rsa(let key): try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let key): try key.signature(for: Data(digest))
        }
    }

    /// Letters, digits, `-`, `_` and dots: what may stand in `s=` or `d=` without quoting or injection.
    static func isDNSName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 253 && text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        } && text.first != "." && text.last != "."
    }
}

/// Why a DKIM key could not be used, naming the file and what to do.
public enum DKIMKeyError: StaffFacingError, Equatable {
    /// The file is missing or cannot be read.
    case unreadable(file: String, reason: String)
    /// Group or others may read the private key (`mode` is its permission bits).
    case tooOpen(file: String, mode: UInt32)
    /// The file holds no private key of the expected algorithm in PEM (or an RSA key under 2048 bits).
    case notAKey(file: String, expected: DKIMKey.Algorithm)
    /// The file holds a key of the other algorithm.
    case wrongAlgorithm(file: String, expected: DKIMKey.Algorithm, found: DKIMKey.Algorithm)
    /// `keygen` never overwrites a key.
    case exists(file: String)
    /// The new key file could not be written.
    case cannotWrite(file: String, reason: String)
    /// A selector that is not a DNS name (it would also change the signature's tags).
    case badSelector(String)
    /// A `d=` domain that is not a DNS name.
    case badDomain(String)

    public var message: StaffMessage {
        switch self {
        case .unreadable(let file, let reason): StaffMessage("dkim.unreadable", ["file": file, "reason": reason])
        case .tooOpen(let file, let mode): StaffMessage("dkim.too_open", ["file": file, "mode": String(mode, radix: 8)])
        case .notAKey(let file, let expected):
            StaffMessage(expected == .rsa ? "dkim.not_rsa_key" : "dkim.not_ed25519_key", ["file": file, "algorithm": expected.rawValue])
        case .wrongAlgorithm(let file, let expected, let found):
            StaffMessage("dkim.wrong_algorithm", ["file": file, "found": found == .rsa ? "RSA" : "Ed25519", "expected": expected == .rsa ? "RSA" : "Ed25519",
                                                  "key": expected == .rsa ? "dkim.key_file" : "dkim.ed25519_key_file"])
        case .exists(let file): StaffMessage("dkim.exists", ["file": file])
        case .cannotWrite(let file, let reason): StaffMessage("dkim.cannot_write", ["file": file, "reason": reason])
        case .badSelector(let s): StaffMessage("dkim.bad_selector", ["text": s])
        case .badDomain(let d): StaffMessage("dkim.bad_domain", ["text": d])
        }
    }
}
