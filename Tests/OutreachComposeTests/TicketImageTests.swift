import Foundation
import OutreachLinks
import Testing
@testable import OutreachCompose

/// Reads a PNG's QR code back with zbarimg (Debian zbar-tools), a decoder we did not write.
func zbarimg(_ png: [UInt8]) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("ticket-\(UUID()).png")
    try Data(png).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
    process.arguments = ["-q", "--raw", file.path]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite struct TicketImageTests {
    let signer = LinkSigner(secrets: ["ticket-test-secret"]).tickets

    @Test func eachGuestsQRCodeDecodesToTheirOwnCodeWhichVerifiesOffline() throws {
        var seen: Set<String> = []
        for guest in 0...3 {
            let ticket = Ticket(campaignID: 7, contactID: 4242, guest: guest)
            let code = signer.code(ticket)
            let read = try zbarimg(try TicketImage.png(TicketAlphabet.grouped(code)))
            #expect(read == code, "zbarimg reads back the code")
            // Only the public key is needed to check it.
            let verifier = TicketVerifier(publicKey: signer.verifier.publicKey)
            #expect(verifier.ticket(read) == ticket)
            seen.insert(read)
        }
        #expect(seen.count == 4, "each guest has their own code")
    }

    @Test func forgedCodesAreRefused() throws {
        let code = signer.code(Ticket(campaignID: 7, contactID: 4242, guest: 0))
        let verifier = signer.verifier
        #expect(verifier.ticket(TicketAlphabet.grouped(code).lowercased()) != nil, "typed in groups, lower case: still the code")
        let other = LinkSigner(secrets: ["another installation"]).tickets.code(Ticket(campaignID: 7, contactID: 4242, guest: 0))
        #expect(verifier.ticket(other) == nil, "signed by another key")
        // Every single-character change is refused (a guest number or person changed, or noise).
        let letters = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var chars = Array(code)
        for i in chars.indices {
            let original = chars[i]
            chars[i] = letters[(letters.firstIndex(of: original)! + 1) % letters.count]
            #expect(verifier.ticket(String(chars)) == nil, "changed at \(i)")
            chars[i] = original
        }
        #expect(verifier.ticket(String(code.dropLast())) == nil)
        #expect(verifier.ticket(code.replacingOccurrences(of: "2", with: "0")) == nil || !code.contains("2"), "look-alikes are not in the alphabet")
    }

    @Test func theAlphabetHasNoLookAlikes() {
        let code = signer.code(Ticket(campaignID: 1, contactID: 1, guest: 0))
        #expect(code.allSatisfy { !"01OIl".contains($0) })
    }
}
