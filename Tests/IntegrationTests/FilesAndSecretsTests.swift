import Foundation
import Testing

/// Files named in the configuration, secrets and the personal data the program writes (issue 22, points 7 and 15).
@Suite struct FilesAndSecretsTests {
    func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    /// A configuration file in its own folder `etc/` of the workspace, holding `yaml`.
    func configFile(_ w: Workspace, _ yaml: String) throws -> String {
        try FileManager.default.createDirectory(atPath: w.path("etc"), withIntermediateDirectories: true)
        return try w.write("etc/outreach.yaml", yaml)
    }

    @Test func keyAndCAFilesWrittenRelativeInTheConfigFileAreFoundNextToIt() throws {
        let w = try Workspace()
        let config = try configFile(w, """
            smtp:
              ca_file: private-ca.pem
            dkim:
              selector: rsa2027
              key_file: rsa.pem
              ed25519_selector: ed2027
              ed25519_key_file: keys/ed25519.pem

            """)
        try FileManager.default.createDirectory(atPath: w.path("etc/keys"), withIntermediateDirectories: true)
        #expect(try w.outreach("dkim", "keygen", "--selector", "rsa2027", "--out", w.path("etc/rsa.pem")).status == 0)
        #expect(try w.outreach("dkim", "keygen", "--selector", "ed2027", "--algorithm", "ed25519", "--out", w.path("etc/keys/ed25519.pem")).status == 0)
        try w.write("etc/private-ca.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n")
        // The commands run from the repository's root, where none of these files are.
        #expect(try w.outreach("--config", config, "contacts", "import", "Config/sample-contacts.csv").status == 0)
        let created = try w.outreach("--config", config, "campaign", "create", "tet", "--template", "new-year-gathering",
                                     "--event", "Config/events/new-year-gathering-2027.yaml")
        #expect(created.status == 0, "\(created.stderr)")
        let r = try w.outreach("--config", config, "campaign", "preview", "tet", "--contact", "dung.nguyen@example.de", "--out", w.path("eml"))
        #expect(r.status == 0, "\(r.stderr)")
        let eml = try String(contentsOfFile: w.path("eml/dung.nguyen@example.de.eml"), encoding: .utf8)
        #expect(eml.contains("a=rsa-sha256") && eml.contains("a=ed25519-sha256"), "both keys were read from the config file's folder")
    }

    @Test(arguments: [("smtp", "OUTREACH_SMTP_PASSWORD"), ("bounces", "OUTREACH_BOUNCES_PASSWORD")])
    func aPasswordFileOthersCanReadIsRefusedNamingItAndTheFix(section: String, variable: String) throws {
        let w = try Workspace()
        w.environment[variable] = nil
        let config = try configFile(w, """
            \(section):
              password_file: password

            """)
        let password = w.path("etc/password")
        FileManager.default.createFile(atPath: password, contents: Data("Mật khẩu 2027\n".utf8), attributes: [.posixPermissions: 0o640])
        let open = try w.outreach("--config", config, "campaign", "list")
        #expect(open.status != 0)
        #expect(open.stderr.contains("\(section).password_file") && open.stderr.contains(password) && open.stderr.contains("chmod 600 \(password)"),
                "\(open.stderr)")
        #expect(!open.stderr.contains("Mật khẩu"), "the password itself is never printed")
        chmod(password, 0o600)
        let closed = try w.outreach("--config", config, "campaign", "list")
        #expect(closed.status == 0, "\(closed.stderr)")
    }

    @Test func theRejectsFileIsForItsOwnerOnlyEvenOverAnOlderOpenFile() throws {
        let w = try Workspace()
        let rejects = w.path("rejects.csv")
        FileManager.default.createFile(atPath: rejects, contents: Data("old\n".utf8), attributes: [.posixPermissions: 0o644])
        let csv = try w.write("c.csv", "email,name\nlan@example.vn,Lan\nnot-an-address,Bình\n")
        let r = try w.outreach("contacts", "import", csv, "--rejects", rejects)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(mode(rejects) == 0o600)
        let text = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(text.contains("Bình") && !text.contains("old"), "\(text)")
    }
}
