import Foundation
import Testing
@testable import OutreachCompose

/// Whatever a display name holds, no header line passes 998 bytes (RFC 5322 §2.1.1): a name too
/// long for the first line is written as encoded words, which fold anywhere (issue 22, point 13).
@Suite struct LongNameTests {
    /// The header's lines, and the display name Python's `email` package reads back.
    func parsed(_ header: String) throws -> (lines: [Substring], name: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", """
            import sys, email, email.policy
            msg = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
            sys.stdout.write(msg["To"].addresses[0].display_name)
            """]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data((header + "\r\nbody\r\n").utf8))
        try input.fileHandleForWriting.close()
        let name = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (header.split(separator: "\r\n"), name)
    }

    @Test(arguments: [String(repeating: "A", count: 5000), String(repeating: "Sarah Miller ", count: 400).trimmingCharacters(in: .whitespaces),
                      String(repeating: "Nguyễn Thị Lan ", count: 300).trimmingCharacters(in: .whitespaces), "Anna \"the Great\" Svensson-Lindqvist of Stockholm"])
    func everyLineOfALongNameFitsAndReadsBack(name: String) throws {
        let header = HeaderEncoding.address("To", displayName: name, address: "lan@example.vn")
        let (lines, decoded) = try parsed(header)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "longest line: \(lines.map(\.utf8.count).max() ?? 0) bytes")
        if name.utf8.allSatisfy({ $0 < 0x80 }) && name.contains(" ") {
            #expect(decoded == name, "a quoted name folds at its spaces and reads back whole")
        } else {
            // Encoded words: Python's email puts a space between adjacent encoded words of a
            // display name, which RFC 2047 §6.2 says to drop; the letters must all be there.
            #expect(decoded.filter { $0 != " " } == name.filter { $0 != " " })
        }
    }

    @Test func aShortASCIINameStaysQuoted() {
        #expect(HeaderEncoding.address("To", displayName: "Sarah Miller", address: "sarah@example.com") == "To: \"Sarah Miller\" <sarah@example.com>\r\n")
    }
}
