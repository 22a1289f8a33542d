import OutreachModel

extension Settings {
    /// Checks the `dkim.*` keys that can be checked without reading the key files: a key file
    /// needs its selector, and selectors and the domain must be DNS names.
    public func checkDKIM() throws {
        for (file, fileKey, selector, selectorKey) in [
            (dkimKeyFile, "dkim.key_file", dkimSelector, "dkim.selector"),
            (dkimEd25519KeyFile, "dkim.ed25519_key_file", dkimEd25519Selector, "dkim.ed25519_selector"),
        ] {
            guard file != nil else { continue }
            guard let selector else {
                throw Failure(key: selectorKey, problem: StaffMessage("config.dkim_selector_required", ["file_key": fileKey]))
            }
            guard DKIMKey.isDNSName(selector) else { throw Failure(key: selectorKey, problem: DKIMKeyError.badSelector(selector).message) }
        }
        if let domain = dkimDomain, !DKIMKey.isDNSName(domain) || !domain.contains(".") {
            throw Failure(key: "dkim.domain", problem: DKIMKeyError.badDomain(domain).message)
        }
    }

    /// The `d=` domain: `dkim.domain`, else the domain of `sender.from` (what DMARC aligns with).
    public var dkimSigningDomain: String { dkimDomain ?? sender.domain }

    /// The signer `dkim.*` describes (RSA from `dkim.key_file`, Ed25519 from
    /// `dkim.ed25519_key_file`), or nil when neither key file is set: messages then go unsigned.
    /// Reads the key files, refusing one that group or others can read.
    public func dkimSigner() throws -> DKIMSigner? {
        var keys: [DKIMKey] = []
        for (file, fileKey, selector, algorithm) in [
            (dkimKeyFile, "dkim.key_file", dkimSelector, DKIMKey.Algorithm.rsa),
            (dkimEd25519KeyFile, "dkim.ed25519_key_file", dkimEd25519Selector, .ed25519),
        ] {
            guard let file, let selector else { continue }
            do { keys.append(try DKIMKey.load(selector: selector, file: file, algorithm: algorithm)) } catch let error as DKIMKeyError {
                throw Failure(key: fileKey, problem: error.message)
            }
        }
        guard !keys.isEmpty else { return nil }
        do { return try DKIMSigner(domain: dkimSigningDomain, keys: keys) } catch let error as DKIMKeyError {
            throw Failure(key: "dkim.domain", problem: error.message)
        }
    }
}
