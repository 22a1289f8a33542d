import Foundation
import Testing
@testable import OutreachLinks

/// The link secret signs every link: a guessable one, or one another user can replace, is refused.
@Suite struct LinkSecretFileTests {
    /// A private file holding `text`, mode 0600, in a fresh folder.
    func secretFile(_ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/link-secret"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        return path
    }

    @Test(arguments: [String(repeating: "k", count: 44), String(repeating: "ab", count: 22), String(repeating: "0123", count: 11)])
    func aSecretTooRegularToBeRandomIsRefused(secret: String) throws {
        let path = try secretFile(secret + "\n")
        #expect { try LinkSecretFile.secrets(at: path) } throws: {
            "\($0)".contains(path) && "\($0)".contains("too regular") && "\($0)".contains("openssl rand -base64 32")
        }
    }

    @Test func randomSecretsInBase64OrHexAreAccepted() throws {
        let base64 = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let hex = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        #expect(try LinkSecretFile.secrets(at: secretFile(base64 + "\n" + hex + "\n")) == [base64, hex])
    }

    @Test func aSecretOwnedByAnotherUserIsRefused() throws {
        let path = try secretFile(Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() + "\n")
        let other: uid_t = geteuid() == 65534 ? 65533 : 65534
        try #require(chown(path, other, gid_t(other)) == 0, "the test must be able to give the file away (run as root)")
        #expect { try LinkSecretFile.secrets(at: path) } throws: {
            "\($0)".contains(path) && "\($0)".contains("belongs to another user")
        }
    }
}
