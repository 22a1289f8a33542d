import Foundation
import OutreachLinks
import OutreachModel
import OutreachRegister

/// The link secret does not belong to this database: links already sent were signed with another.
package struct LinkSecretMismatch: StaffFacingError {
    package let secretFile: String
    package let missing: Bool
    package var message: StaffMessage {
        StaffMessage(missing ? "link_secret.missing" : "link_secret.different", ["file": secretFile])
    }
}

extension Register {
    /// The link builder of this installation, checked against the database: the register keeps
    /// the fingerprint of the secret its links are signed with (from the first command that
    /// signs), and refuses a missing or different secret instead of making a new one. A secret
    /// file whose older lines hold the kept one (a rotation) is accepted and its current line kept.
    package func links(_ settings: Settings) throws -> Links {
        let kept = try linkSecretFingerprint()
        if kept != nil, !FileManager.default.fileExists(atPath: settings.linksSecretFile) {
            throw LinkSecretMismatch(secretFile: settings.linksSecretFile, missing: true)
        }
        let links = try settings.links()
        let fingerprints = links.signer.fingerprints
        if let kept, !fingerprints.contains(kept) { throw LinkSecretMismatch(secretFile: settings.linksSecretFile, missing: false) }
        if kept != fingerprints.first, let current = fingerprints.first { try keepLinkSecretFingerprint(current) }
        return links
    }
}
