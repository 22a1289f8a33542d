import Foundation
import Testing
@testable import OutreachBounces

/// The MIME tree we read matches the one Python's `email` package reads from the same bytes: the
/// content types of all entities, depth first (into multiparts and message/rfc822, message/global;
/// other message/* bodies are leaves for both).
@Suite struct MIMEStructureTests {
    static let python = """
        import email, sys
        from email import policy
        def walk(m, out):
            t = m.get_content_type()
            out.append(t)
            if m.is_multipart() and (t.startswith("multipart/") or t in ("message/rfc822", "message/global")):
                for p in m.get_payload():
                    walk(p, out)
            return out
        m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=policy.default)
        print(" ".join(walk(m, [])))
        """

    static func pythonContentTypes(_ path: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", python, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).map(String.init)
    }

    static func contentTypes(_ entity: MIMEEntity) -> [String] {
        var types = [entity.contentType.mimeType]
        if entity.contentType.isMultipart || ["message/rfc822", "message/global"].contains(entity.contentType.mimeType) {
            for child in entity.children { types += contentTypes(child) }
        }
        return types
    }

    @Test(arguments: Fixture.names.filter { $0 != "16b-not-a-message.eml" })
    func contentTypesMatchPythonsEmailPackage(_ name: String) throws {
        let message = try BounceReport.readMessage(Fixture.bytes(name))
        #expect(Self.contentTypes(message) == (try Self.pythonContentTypes(Fixture.path(name))))
    }
}
