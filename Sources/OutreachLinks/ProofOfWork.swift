import Crypto
import Foundation
import OutreachModel

/// The sign-up's anti-bot check, Altcha's protocol on both sides (no third-party script): the
/// daemon hands out a signed, expiring challenge, `challenge = hex(SHA-256(salt + number))` for
/// a secret random `number` ≤ `maxnumber`; the page's own script finds the number by trying
/// them, and posts it back with the rest, base64 of JSON. Checking costs one HMAC and one hash;
/// finding costs the visitor half of `maxnumber` hashes on average.
public struct ProofOfWork: Sendable {
    /// A challenge as `GET /join/challenge` answers it (Altcha's field names).
    public struct Challenge: Codable, Sendable, Equatable {
        public let algorithm: String
        public let challenge: String
        public let maxnumber: Int
        public let salt: String
        public let signature: String
    }

    /// What the page posts back (`altcha`, base64 of this JSON).
    public struct Solution: Codable, Sendable, Equatable {
        public let algorithm: String
        public let challenge: String
        public let number: Int
        public let salt: String
        public let signature: String
        public init(algorithm: String, challenge: String, number: Int, salt: String, signature: String) {
            self.algorithm = algorithm; self.challenge = challenge; self.number = number; self.salt = salt; self.signature = signature
        }
    }

    /// Why a solution is refused.
    public enum Refusal: StaffFacingError, Equatable {
        case unreadable, wrongAlgorithm, badSignature, wrongNumber, expired
        public var message: StaffMessage {
            switch self {
            case .unreadable: StaffMessage("signup.pow_unreadable")
            case .wrongAlgorithm: StaffMessage("signup.pow_algorithm")
            case .badSignature: StaffMessage("signup.pow_signature")
            case .wrongNumber: StaffMessage("signup.pow_number")
            case .expired: StaffMessage("signup.pow_expired")
            }
        }
    }

    /// A checked solution: its challenge (spent once in the register) and when it expires.
    public struct Proof: Sendable, Equatable {
        public let challenge: String
        public let expiresAtMs: Int64
    }

    let key: SymmetricKey
    /// The largest number a challenge hides (`signup.difficulty`).
    public let maxNumber: Int
    /// How long a challenge is good for.
    public let lifetime: TimeInterval

    public init(key: SymmetricKey, maxNumber: Int, lifetime: TimeInterval = 600) {
        self.key = key
        self.maxNumber = maxNumber
        self.lifetime = lifetime
    }

    /// A new challenge good until `now + lifetime`.
    public func challenge(now: Date = Date()) -> Challenge {
        var random = SystemRandomNumberGenerator()
        let nonce = (0..<12).map { _ in UInt8.random(in: 0...255, using: &random) }
        let salt = Hex.string(nonce) + "?expires=\(Int64(now.timeIntervalSince1970 + lifetime))"
        let number = Int.random(in: 0...maxNumber, using: &random)
        let challenge = Self.hash(salt, number)
        return Challenge(algorithm: "SHA-256", challenge: challenge, maxnumber: maxNumber, salt: salt, signature: sign(challenge))
    }

    /// Checks the `altcha` field of a form.
    public func check(_ field: String, now: Date = Date()) throws(Refusal) -> Proof {
        guard let data = Data(base64Encoded: field.trimmingCharacters(in: .whitespaces)),
              let solution = try? JSONDecoder().decode(Solution.self, from: data) else { throw .unreadable }
        return try check(solution, now: now)
    }

    /// Checks a solution: the signature first (cheap and it says the challenge is ours), then
    /// the number, then the expiry written in the salt.
    public func check(_ s: Solution, now: Date = Date()) throws(Refusal) -> Proof {
        guard s.algorithm == "SHA-256" else { throw .wrongAlgorithm }
        guard let given = Hex.bytes(s.signature),
              HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(s.challenge.utf8), using: key) else { throw .badSignature }
        guard s.number >= 0, s.number <= maxNumber, Self.hash(s.salt, s.number) == s.challenge else { throw .wrongNumber }
        guard let range = s.salt.range(of: "?expires="), let expires = Int64(s.salt[range.upperBound...]) else { throw .expired }
        guard Double(expires) > now.timeIntervalSince1970 else { throw .expired }
        return Proof(challenge: s.challenge, expiresAtMs: expires * 1000)
    }

    /// What a browser's script does: tries numbers until one hashes to the challenge (tests and
    /// benchmarks solve with it).
    public static func solve(_ c: Challenge) -> Solution? {
        for n in 0...c.maxnumber where hash(c.salt, n) == c.challenge {
            return Solution(algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature)
        }
        return nil
    }

    /// The `altcha` form field for a solution.
    public static func field(_ s: Solution) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(s))?.base64EncodedString() ?? ""
    }

    static func hash(_ salt: String, _ number: Int) -> String {
        Hex.string(SHA256.hash(data: Array((salt + String(number)).utf8)))
    }

    private func sign(_ challenge: String) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: Data(challenge.utf8), using: key))
    }
}
