import Foundation
import Testing
@testable import OutreachCompose
import OutreachModel

/// DKIM signing: relaxed canonicalization as RFC 6376 §3.4 defines it, the header list, the keys.
/// (Signatures are checked by an independent verifier, dkimpy, in IntegrationTests/DKIMTests.)
@Suite struct DKIMSignerTests {
    /// RFC 6376 §3.4.5, the example message.
    static let rfcExample = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"

    static func canonicalHeaders(_ message: String) -> String {
        let bytes = Array(message.utf8)
        return bytes.withUnsafeBufferPointer { m in
            var out: [UInt8] = []
            for f in DKIMCanonicalization.fields(m).fields { DKIMCanonicalization.appendHeader(f, of: m, to: &out) }
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func body(_ message: String) -> String {
        let bytes = Array(message.utf8)
        let start = bytes.withUnsafeBufferPointer { DKIMCanonicalization.fields($0).bodyStart }
        return String(decoding: DKIMCanonicalization.body(Array(bytes[start...])), as: UTF8.self)
    }

    @Test func relaxedHeadersAreTheRFCExample() {
        #expect(Self.canonicalHeaders(Self.rfcExample) == "a:X\r\nb:Y Z\r\n")
    }

    @Test func relaxedBodyIsTheRFCExample() {
        #expect(Self.body(Self.rfcExample) == " C\r\nD E\r\n")
    }

    @Test func relaxedBodyKeepsInnerEmptyLinesAndEndsWithOneCRLF() {
        func body(_ text: String) -> String { String(decoding: DKIMCanonicalization.body(Array(text.utf8)), as: UTF8.self) }
        #expect(body("") == "")
        #expect(body("\r\n\r\n") == "", "only empty lines: an empty body")
        #expect(body("a") == "a\r\n", "a CRLF is added to a last line without one")
        #expect(body("a\r\n\r\n \t\r\nb\r\n \r\n\r\n") == "a\r\n\r\n\r\nb\r\n", "whitespace-only lines are empty; inner ones stay")
        #expect(body("=E1=BB=9D  x  \t\r\n") == "=E1=BB=9D x\r\n")
        let base64 = String(repeating: "QUJD", count: 19) + "\r\n"
        #expect(body(base64 + base64) == base64 + base64, "base64 lines are already canonical")
    }

    /// The fast body path (eight bytes at a time) against the RFC's steps done line by line.
    @Test func relaxedBodyMatchesALineByLineReferenceOnRandomBodies() {
        func reference(_ body: [UInt8]) -> [UInt8] {
            var lines: [[UInt8]] = []
            var current: [UInt8] = []
            var i = 0
            while i < body.count {
                if body[i] == 0x0D, i + 1 < body.count, body[i + 1] == 0x0A { lines.append(current); current = []; i += 2; continue }
                current.append(body[i]); i += 1
            }
            if !current.isEmpty { lines.append(current) }
            var canonical = lines.map { line -> [UInt8] in
                var out: [UInt8] = []
                for b in line {
                    let wsp = b == 0x20 || b == 0x09
                    if wsp { if out.last != 0x20 { out.append(0x20) } } else { out.append(b) }
                }
                while out.last == 0x20 { out.removeLast() }
                return out
            }
            while canonical.last?.isEmpty == true { canonical.removeLast() }
            return canonical.flatMap { $0 + [0x0D, 0x0A] }
        }
        let pieces: [[UInt8]] = [Array("abcdefghij".utf8), [0x20], [0x20, 0x20], [0x09], [0x0D, 0x0A], [0x0D], [0x0A], [0xC3, 0xA9], [0x0C], Array("=20".utf8)]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let body = (0..<Int.random(in: 0...40, using: &random)).flatMap { _ in pieces.randomElement(using: &random)! }
            #expect(DKIMCanonicalization.body(body) == reference(body), "\(body)")
        }
    }

    /// The composer folds List-Unsubscribe over two lines: unfolded, one space stays.
    @Test func aFoldedListUnsubscribeIsUnfolded() {
        let field = "List-Unsubscribe: <https://x.example/u/AbC>,\r\n <mailto:songoaivu@cantho.gov.vn?subject=unsubscribe>\r\n"
        #expect(DKIMCanonicalization.header(field) == "list-unsubscribe:<https://x.example/u/AbC>, <mailto:songoaivu@cantho.gov.vn?subject=unsubscribe>\r\n")
        let message = "From: a@b.example\r\n" + field + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n\r\nbody\r\n"
        #expect(Self.canonicalHeaders(message) == "from:a@b.example\r\n"
            + "list-unsubscribe:<https://x.example/u/AbC>, <mailto:songoaivu@cantho.gov.vn?subject=unsubscribe>\r\n"
            + "list-unsubscribe-post:List-Unsubscribe=One-Click\r\n")
        #expect(Self.body(message) == "body\r\n")
    }

    @Test func fieldNamesMatchWithoutRegardToCase() {
        let bytes = Array("LIST-UNSUBSCRIBE-post : x\r\nList-Unsubscribe: y\r\n\r\n".utf8)
        bytes.withUnsafeBufferPointer { m in
            let fields = DKIMCanonicalization.fields(m).fields
            #expect(fields.count == 2)
            #expect(DKIMCanonicalization.field(fields[0], in: m, isNamed: Array("list-unsubscribe-post".utf8)))
            #expect(!DKIMCanonicalization.field(fields[1], in: m, isNamed: Array("list-unsubscribe-post".utf8)))
        }
    }

    func message(replyTo: String?) -> [UInt8] {
        MIMEMessage(
            fromName: "Sở Ngoại vụ", fromAddress: "songoaivu@cantho.gov.vn", toName: "Nguyễn Văn Dũng",
            toAddress: "dung@example.de", replyTo: replyTo, subject: "Thư mời", date: Date(timeIntervalSince1970: 1_800_000_000),
            messageID: "<a.b@cantho.gov.vn>", listID: "tet.cantho.gov.vn", unsubscribeURL: "http://localhost:8080/u/T",
            unsubscribeMailto: "mailto:songoaivu@cantho.gov.vn?subject=unsubscribe", text: "Kính gửi  Ông Dũng,  \n", html: "<p>x</p>",
            calendar: nil).bytes()
    }

    @Test func theHeaderListCoversTheOneClickHeadersAndOversigns() {
        let signed = "from:to:subject:date:message-id:mime-version:content-type"
        let lists = "list-id:list-unsubscribe:list-unsubscribe-post"
        let extra = "from:subject:" + lists
        #expect(DKIMSigner.headerList(of: message(replyTo: "info@cantho.gov.vn")) == "\(signed):reply-to:\(lists):\(extra)")
        #expect(DKIMSigner.headerList(of: message(replyTo: nil)) == "\(signed):\(lists):\(extra)", "Reply-To only when present")
    }

    @Test func bothSignaturesShareOneBodyHashAndHeaderList() throws {
        let signer = try DKIMSigner(domain: "cantho.gov.vn", keys: [
            try DKIMKey.generate(selector: "rsa2027", algorithm: .rsa), try DKIMKey.generate(selector: "ed2027", algorithm: .ed25519),
        ])
        let original = message(replyTo: nil)
        let signed = signer.sign(original, time: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(Array(signed.suffix(original.count)) == original, "the message follows the signatures unchanged")
        let text = String(decoding: signed.prefix(signed.count - original.count), as: UTF8.self)
        let headers = text.components(separatedBy: "DKIM-Signature: ").dropFirst().map { $0.replacingOccurrences(of: "\r\n ", with: " ") }
        #expect(headers.count == 2)
        #expect(headers[0].hasPrefix("v=1; a=rsa-sha256; c=relaxed/relaxed; d=cantho.gov.vn; s=rsa2027; t=1800000000; h=from:to:"))
        #expect(headers[1].hasPrefix("v=1; a=ed25519-sha256; c=relaxed/relaxed; d=cantho.gov.vn; s=ed2027; t=1800000000; h=from:to:"))
        func tag(_ name: String, _ header: String) -> String? {
            header.components(separatedBy: "; ").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        #expect(tag("bh", headers[0])?.count == 44, "a SHA-256 in base64")
        #expect(tag("bh", headers[0]) == tag("bh", headers[1]))
        #expect(tag("h", headers[0]) == tag("h", headers[1]))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
    }

    @Test func theComposerSignsEachMessageOnceOverItsFinalBytes() throws {
        let plain = try GoldenTests().composer("new-year-gathering", "Config/events/new-year-gathering-2027.yaml")
        let signer = try DKIMSigner(domain: "cantho.gov.vn", keys: [
            try DKIMKey.generate(selector: "rsa2027", algorithm: .rsa), try DKIMKey.generate(selector: "ed2027", algorithm: .ed25519),
        ])
        let composer = try InvitationComposer(campaignID: 7, slug: "golden", template: plain.template.source, event: plain.event, subject: nil,
                                              sender: plain.sender, links: plain.links, signer: signer)
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let text = String(decoding: composer.compose(GoldenTests.contact(language: "vi"), date: date).bytes, as: UTF8.self)
        #expect(text.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=cantho.gov.vn;\r\n s=rsa2027; t=1800000000;"))
        #expect(text.components(separatedBy: "DKIM-Signature:").count == 3)
        let second = try #require(text.range(of: "\r\nDKIM-Signature: v=1; a=ed25519-sha256;"))
        #expect(text[second.upperBound...].contains("\r\nFrom: "))
        #expect(!String(decoding: plain.compose(GoldenTests.contact(language: "vi"), date: date).bytes, as: UTF8.self).contains("DKIM-Signature"))
    }

    @Test func aKeyFileReadableByOthersIsRefusedNamingTheFileAndTheFix() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("rsa.pem").path
        try DKIMKey.generate(selector: "s1", algorithm: .rsa).write(toNewFile: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try DKIMKey.load(selector: "s1", file: path, algorithm: .rsa).algorithm == .rsa)
        for mode in [0o644, 0o640, 0o604] {
            chmod(path, mode_t(mode))
            let error = #expect(throws: DKIMKeyError.self) { try DKIMKey.load(selector: "s1", file: path, algorithm: .rsa) }
            #expect(error == .tooOpen(file: path, mode: UInt32(mode)))
            #expect(error?.description.contains(path) == true)
            #expect(error?.description.contains("chmod 600 \(path)") == true)
        }
        chmod(path, 0o400)
        #expect(try DKIMKey.load(selector: "s1", file: path, algorithm: .rsa).selector == "s1")
    }

    @Test func keygenNeverOverwritesAndKeysRoundTripAsPKCS8() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for algorithm in DKIMKey.Algorithm.allCases {
            let path = folder.appendingPathComponent("\(algorithm).pem").path
            let key = try DKIMKey.generate(selector: "s", algorithm: algorithm)
            #expect(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----"))
            try key.write(toNewFile: path)
            #expect(throws: DKIMKeyError.exists(file: path)) { try DKIMKey.generate(selector: "s", algorithm: algorithm).write(toNewFile: path) }
            let loaded = try DKIMKey.load(selector: "s", file: path, algorithm: algorithm)
            #expect(loaded.publicKeyBase64 == key.publicKeyBase64)
            let other: DKIMKey.Algorithm = algorithm == .rsa ? .ed25519 : .rsa
            #expect(throws: DKIMKeyError.wrongAlgorithm(file: path, expected: other, found: algorithm)) {
                try DKIMKey.load(selector: "s", file: path, algorithm: other)
            }
        }
    }

    @Test func theDNSRecordCarriesTheRawEd25519KeyOrTheRSASubjectPublicKeyInfo() throws {
        let ed = try DKIMKey.generate(selector: "ed", algorithm: .ed25519)
        #expect(ed.dnsRecordText.hasPrefix("v=DKIM1; k=ed25519; p="))
        #expect(Data(base64Encoded: ed.publicKeyBase64)?.count == 32)
        #expect(ed.dnsRecord(domain: "cantho.gov.vn") == "ed._domainkey.cantho.gov.vn IN TXT \"\(ed.dnsRecordText)\"")
        let rsa = try DKIMKey.generate(selector: "r", algorithm: .rsa)
        #expect(rsa.publicKeyBase64.hasPrefix("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A"), "SPKI of a 2048-bit RSA key")
        let record = rsa.dnsRecord(domain: "cantho.gov.vn")
        let strings = record.components(separatedBy: "\"").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        #expect(strings.joined() == rsa.dnsRecordText)
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
    }

    @Test func selectorsAndDomainsCannotInjectTags() {
        #expect(throws: DKIMKeyError.badSelector("s; d=evil")) { try DKIMKey.generate(selector: "s; d=evil", algorithm: .ed25519) }
        #expect(throws: DKIMKeyError.badDomain("a.b\r\nBcc: x")) { try DKIMSigner(domain: "a.b\r\nBcc: x", keys: []) }
    }

    @Test func settingsNeedASelectorWithAKeyFile() throws {
        var settings = Settings()
        settings.dkimKeyFile = "/nonexistent/rsa.pem"
        let error = #expect(throws: Settings.Failure.self) { try settings.checkDKIM() }
        #expect(error?.key == "dkim.selector")
        settings.dkimSelector = "s"
        let missing = #expect(throws: Settings.Failure.self) { try settings.dkimSigner() }
        #expect(missing?.key == "dkim.key_file")
        #expect(missing?.description.contains("/nonexistent/rsa.pem") == true)
        #expect(try Settings().dkimSigner() == nil, "no key file: unsigned")
    }
}
