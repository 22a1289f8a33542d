import Foundation
import Testing

/// DKIM signatures as a receiver checks them: keys made by `outreach dkim keygen` or by
/// `openssl genpkey`, messages written by `campaign preview`, every signature verified by dkimpy
/// (scripts/check-dkim.py) against the TXT record that would be published.
@Suite struct DKIMTests {
    /// `outreach dkim keygen` for both algorithms; returns the records it printed.
    func keygen(_ w: Workspace) throws -> String {
        var records = ""
        for (algorithm, selector) in [("rsa", "rsa2027"), ("ed25519", "ed2027")] {
            let r = try w.outreach("dkim", "keygen", "--selector", selector, "--algorithm", algorithm, "--out", w.path("\(algorithm).pem"))
            #expect(r.status == 0, "\(r.stderr)")
            records += r.stdout
        }
        return records
    }

    /// Points the workspace's configuration at the keys.
    func configure(_ w: Workspace, rsa: String, ed25519: String) {
        w.environment["OUTREACH_DKIM_SELECTOR"] = "rsa2027"
        w.environment["OUTREACH_DKIM_KEY_FILE"] = rsa
        w.environment["OUTREACH_DKIM_ED25519_SELECTOR"] = "ed2027"
        w.environment["OUTREACH_DKIM_ED25519_KEY_FILE"] = ed25519
    }

    /// Imports the sample contacts, creates a campaign with an event and previews it.
    func preview(_ w: Workspace, contact: String? = nil) throws -> CommandResult {
        #expect(try w.outreach("contacts", "import", "Config/sample-contacts.csv").status == 0)
        let created = try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering",
                                     "--event", "Config/events/new-year-gathering-2027.yaml")
        #expect(created.status == 0, "\(created.stderr)")
        return try w.outreachArgs(["campaign", "preview", "tet", "--out", w.path("eml")] + (contact.map { ["--contact", $0] } ?? []))
    }

    /// dkimpy's verdict on every .eml in the folder.
    func verify(_ w: Workspace, records: String) throws -> [[String: Any]] {
        let file = try w.write("records.txt", records)
        let r = try w.run("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("scripts/check-dkim.py").path, file, w.path("eml")])
        #expect(r.status == 0, "\(r.stderr)")
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    /// Every message carries a valid rsa-sha256 and a valid ed25519-sha256 signature whose `h=`
    /// covers the one-click headers, and none survives tampering.
    func expectSignedAndTamperProof(_ messages: [[String: Any]], count: Int) {
        #expect(messages.count == count)
        for m in messages {
            let file = m["file"] as? String ?? "?"
            let signatures = m["signatures"] as? [[String: Any]] ?? []
            #expect(signatures.map { $0["a"] as? String } == ["rsa-sha256", "ed25519-sha256"], "\(file)")
            for s in signatures {
                let a = s["a"] as? String ?? "?"
                #expect(s["valid"] as? Bool == true, "\(file) \(a): dkimpy does not verify it")
                #expect(s["c"] as? String == "relaxed/relaxed", "\(file) \(a)")
                #expect(s["d"] as? String == "cantho.gov.vn", "\(file) \(a)")
                let h = s["h"] as? [String] ?? []
                for name in ["list-unsubscribe", "list-unsubscribe-post", "list-id", "from", "subject"] {
                    #expect(h.filter { $0 == name }.count == 2, "\(file) \(a): h= must cover \(name) and oversign it: \(h)")
                }
                for name in ["to", "date", "message-id", "mime-version", "content-type", "reply-to"] {
                    #expect(h.contains(name), "\(file) \(a): h= lacks \(name)")
                }
                for (change, valid) in s["valid_after"] as? [String: Bool] ?? [:] {
                    #expect(!valid, "\(file) \(a): still verifies after \(change)")
                }
                #expect((s["valid_after"] as? [String: Bool])?.count == 5)
            }
        }
    }

    @Test func everyPreviewedMessageVerifiesWithTheRecordsKeygenPrinted() throws {
        let w = try Workspace()
        let records = try keygen(w)
        #expect(records.contains("rsa2027._domainkey.cantho.gov.vn IN TXT \"v=DKIM1; k=rsa; p="))
        #expect(records.contains("ed2027._domainkey.cantho.gov.vn IN TXT \"v=DKIM1; k=ed25519; p="))
        configure(w, rsa: w.path("rsa.pem"), ed25519: w.path("ed25519.pem"))
        // With a bounce address, each List-Unsubscribe carries the person's own mailto.
        w.environment["OUTREACH_BOUNCES_ADDRESS"] = "bounces@cantho.gov.vn"
        let r = try preview(w)
        #expect(r.status == 0, "\(r.stderr)")
        let messages = try verify(w, records: records)
        expectSignedAndTamperProof(messages, count: 47)
        // The folded List-Unsubscribe header is what was signed.
        let one = try String(contentsOfFile: w.path("eml/dung.nguyen@example.de.eml"), encoding: .utf8)
        #expect(one.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=cantho.gov.vn;\r\n"))
        #expect(one.contains(">,\r\n <mailto:bounces+"))
    }

    @Test func keysMadeByOpenSSLSignToo() throws {
        let w = try Workspace()
        let rsa = w.path("openssl-rsa.pem"), ed = w.path("openssl-ed.pem")
        #expect(try w.run("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa]).status == 0)
        #expect(try w.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", ed]).status == 0)
        chmod(rsa, 0o600)
        chmod(ed, 0o600)
        // The records from openssl's own public keys: SPKI for RSA, the raw 32 bytes (the end of the SPKI) for Ed25519.
        func spki(_ file: String) throws -> Data {
            let der = w.path(URL(fileURLWithPath: file).lastPathComponent + ".pub.der")
            #expect(try w.run("/usr/bin/openssl", ["pkey", "-in", file, "-pubout", "-outform", "DER", "-out", der]).status == 0)
            return try Data(contentsOf: URL(fileURLWithPath: der))
        }
        let records = """
            rsa2027._domainkey.cantho.gov.vn IN TXT "v=DKIM1; k=rsa; p=\(try spki(rsa).base64EncodedString())"
            ed2027._domainkey.cantho.gov.vn IN TXT "v=DKIM1; k=ed25519; p=\(try spki(ed).suffix(32).base64EncodedString())"

            """
        configure(w, rsa: rsa, ed25519: ed)
        let r = try preview(w, contact: "dung.nguyen@example.de")
        #expect(r.status == 0, "\(r.stderr)")
        expectSignedAndTamperProof(try verify(w, records: records), count: 1)
    }

    @Test func aKeyFileOthersCanReadIsRefusedNamingTheFile() throws {
        let w = try Workspace()
        _ = try keygen(w)
        let rsa = w.path("rsa.pem")
        #expect(try FileManager.default.attributesOfItem(atPath: rsa)[.posixPermissions] as? Int == 0o600, "keygen writes 0600")
        chmod(rsa, 0o644)
        configure(w, rsa: rsa, ed25519: w.path("ed25519.pem"))
        let r = try preview(w)
        #expect(r.status != 0)
        #expect(r.stderr.contains("dkim.key_file"), "\(r.stderr)")
        #expect(r.stderr.contains(rsa), "\(r.stderr)")
        #expect(r.stderr.contains("chmod 600 \(rsa)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("eml")), "nothing previewed")
    }

    @Test func keygenRefusesToOverwriteAKey() throws {
        let w = try Workspace()
        _ = try keygen(w)
        let before = try Data(contentsOf: URL(fileURLWithPath: w.path("rsa.pem")))
        let r = try w.outreach("dkim", "keygen", "--selector", "again", "--out", w.path("rsa.pem"))
        #expect(r.status != 0)
        #expect(r.stderr.contains(w.path("rsa.pem")) && r.stderr.contains("already exists"), "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.path("rsa.pem"))) == before)
    }

    /// The daemon's workers sign too: what smtp-sink received verifies.
    @Test func deliveredMessagesAreSigned() throws {
        let w = try Workspace()
        let records = try keygen(w)
        configure(w, rsa: w.path("rsa.pem"), ed25519: w.path("ed25519.pem"))
        #expect(try w.outreach("contacts", "import", "Config/sample-contacts.csv").status == 0)
        #expect(try w.outreach("campaign", "create", "c", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        #expect(try w.outreach("campaign", "launch", "c").status == 0)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        let daemon = try Daemon(w, smtpPort: sink.port)
        #expect(try w.finished(), "\(daemon.output)")
        #expect(daemon.stop() == 0)
        // smtp-sink writes LF line ends after its own header lines; ours start at the first signature.
        try FileManager.default.createDirectory(atPath: w.path("eml"), withIntermediateDirectories: true)
        let dumps = try FileManager.default.contentsOfDirectory(atPath: sink.folder.path)
        for (i, name) in dumps.enumerated() {
            let text = try String(contentsOfFile: sink.folder.appendingPathComponent(name).path, encoding: .utf8)
            let start = try #require(text.range(of: "\nDKIM-Signature: "), "\(name) is not signed")
            try w.write("eml/\(i).eml", text[text.index(after: start.lowerBound)...].replacingOccurrences(of: "\n", with: "\r\n"))
        }
        expectSignedAndTamperProof(try verify(w, records: records), count: 47)
    }

    @Test func withoutKeysMessagesStayUnsigned() throws {
        let w = try Workspace()
        let r = try preview(w, contact: "dung.nguyen@example.de")
        #expect(r.status == 0, "\(r.stderr)")
        let one = try String(contentsOfFile: w.path("eml/dung.nguyen@example.de.eml"), encoding: .utf8)
        #expect(one.hasPrefix("From: "))
        #expect(!one.contains("DKIM-Signature"))
    }
}
