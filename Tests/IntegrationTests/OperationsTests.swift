import Foundation
import Testing

/// Running the program as an office does: from any folder, under systemd, checked by `doctor`.
@Suite(.serialized) struct OperationsTests {
    /// Runs the binary from `directory` with exactly `arguments` (no --database added).
    func run(_ w: Workspace, in directory: String, _ arguments: [String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: outreachBinary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = w.environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func theCommandsWorkFromAnotherFolderWithConfigAndPathsRelativeToTheFile() throws {
        let w = try Workspace()
        w.environment["OUTREACH_LINKS_SECRET_FILE"] = nil
        let etc = w.path("etc")
        try FileManager.default.createDirectory(atPath: etc, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: etc + "/templates", withDestinationPath: repositoryRoot.appendingPathComponent("Templates").path)
        let config = etc + "/outreach.yaml"
        try "database:\n  path: ../state/outreach.sqlite\ntemplates:\n  path: templates\nlinks:\n  secret_file: ../state/link-secret\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let elsewhere = FileManager.default.temporaryDirectory.path
        let sample = repositoryRoot.appendingPathComponent("Config/sample-contacts.csv").path
        let event = repositoryRoot.appendingPathComponent("Config/events/new-year-gathering-2027.yaml").path
        #expect(try run(w, in: elsewhere, ["--config", config, "contacts", "import", sample]).status == 0)
        let created = try run(w, in: elsewhere, ["campaign", "create", "tet", "--template", "new-year-gathering", "--event", event, "--config", config])
        #expect(created.status == 0, "\(created.stderr)")
        let previewed = try run(w, in: elsewhere, ["--config", config, "campaign", "preview", "tet", "--out", w.path("out")])
        #expect(previewed.status == 0, "\(previewed.stderr)")
        #expect(FileManager.default.fileExists(atPath: w.path("state/outreach.sqlite")), "the database is next to the config file's folder")
        #expect(FileManager.default.fileExists(atPath: w.path("state/link-secret")))
        // OUTREACH_CONFIG finds it too.
        w.environment["OUTREACH_CONFIG"] = config
        let listed = try run(w, in: elsewhere, ["campaign", "list"])
        #expect(listed.status == 0 && listed.stdout.contains("tet"), "\(listed.stderr)")
        // A config named that does not exist is an error naming it.
        let missing = try run(w, in: elsewhere, ["--config", w.path("nope.yaml"), "campaign", "list"])
        #expect(missing.status != 0 && missing.stderr.contains("nope.yaml"))
    }

    @Test func doctorPassesAgainstAHealthyRelayAndFailsAgainstADeadPort() throws {
        let w = try Workspace()
        try w.importPeople(2)
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(sink.port)"
        let healthy = try w.outreach("doctor", "--format", "json")
        #expect(healthy.status == 0, "\(healthy.stdout)\(healthy.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(healthy.stdout.utf8)) as? [String: Any]
        #expect(report?["ok"] as? Bool == true)
        let checks = (report?["checks"] as? [[String: Any]]) ?? []
        #expect(checks.contains { ($0["check"] as? String)?.hasPrefix("relay") == true && $0["ok"] as? Bool == true })
        #expect(checks.contains { $0["check"] as? String == "database" && ($0["detail"] as? String)?.contains("integrity ok") == true })
        #expect(sink.messages().isEmpty, "doctor sends no mail")

        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(freePort())"
        let dead = try w.outreach("doctor", "--timeout", "2")
        #expect(dead.status != 0)
        let line = dead.stdout.split(separator: "\n").first { $0.contains("relay") } ?? ""
        #expect(line.hasPrefix("FAIL") && line.contains("cannot connect") && line.contains("fix:"), "\(dead.stdout)")
    }

    @Test func doctorNamesAWorldReadableLinkSecret() throws {
        let w = try Workspace()
        let secret = try w.write("link-secret", "c2hvcnQ=\n")
        chmod(secret, 0o644)
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(freePort())"
        let r = try w.outreach("doctor", "--timeout", "1")
        let line = r.stdout.split(separator: "\n").first { $0.contains("link secret") } ?? ""
        #expect(line.hasPrefix("FAIL") && line.contains("chmod 600"), "\(r.stdout)")
    }

    @Test func theSystemdUnitVerifies() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.fileExists(atPath: analyze) else { return }
        let w = try Workspace()
        let unit = try String(contentsOfFile: repositoryRoot.appendingPathComponent("Config/systemd/outreach.service").path, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/outreach", with: outreachBinary)
        let path = try w.write("outreach.service", unit)
        let verified = try w.run(analyze, ["verify", path])
        #expect(verified.status == 0, "\(verified.stderr)")
        let security = try w.run(analyze, ["security", "--offline=true", path])
        let score = security.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") }
            .flatMap { $0.split(separator: " ").compactMap { Double($0) }.first } ?? 10
        #expect(score <= 2.0, "\(security.stdout.suffix(300))")
    }

    @Test func completionScriptsAndTheManualAreGenerated() throws {
        let w = try Workspace()
        for shell in ["bash", "zsh", "fish"] {
            let r = try w.run(outreachBinary, ["--generate-completion-script", shell])
            #expect(r.status == 0 && r.stdout.contains("doctor"), "\(shell)")
        }
    }
}
