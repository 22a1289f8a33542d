import Foundation

/// The repository's root (tests run the binary from there so Config/ and Templates/ resolve).
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
}()

/// The built `outreach` binary.
let outreachBinary: String = ProcessInfo.processInfo.environment["OUTREACH_BIN"]
    ?? repositoryRoot.appendingPathComponent(".build/debug/outreach").path

/// What a command printed and how it ended.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// A scratch folder with its own database and link secret; removed at the end of the test.
final class Workspace: @unchecked Sendable {
    let folder: URL
    var database: String { folder.appendingPathComponent("outreach.sqlite").path }
    var environment: [String: String]

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        environment = ProcessInfo.processInfo.environment
        environment["OUTREACH_LINKS_SECRET_FILE"] = folder.appendingPathComponent("link-secret").path
        environment["OUTREACH_HTTP_BASE_URL"] = "http://localhost:8080"
        // Each daemon's staff listener on a port of its own: tests run side by side.
        environment["OUTREACH_STAFF_BIND"] = "127.0.0.1:\(freePort())"
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Writes `bytes` to a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        return path(name)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// Runs `outreach --database <workspace db> ARGS` from the repository root.
    @discardableResult
    func outreach(_ arguments: String..., stdin: String? = nil) throws -> CommandResult {
        try run(outreachBinary, ["--database", database] + arguments, stdin: stdin)
    }

    func outreachArgs(_ arguments: [String]) throws -> CommandResult {
        try run(outreachBinary, ["--database", database] + arguments)
    }

    func run(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = repositoryRoot
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = stdin.map { _ in Pipe() }
        if let input { process.standardInput = input }
        try process.run()
        if let input, let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self))
    }

    /// `contacts show EMAIL --format json` as a dictionary.
    func show(_ email: String) throws -> [String: Any]? {
        let r = try outreach("contacts", "show", email, "--format", "json")
        guard r.status == 0 else { return nil }
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    }

    /// `contacts list --format csv` as rows of fields (header first).
    func listCSV(_ segment: String = "") throws -> [[String]] {
        let r = try outreach("contacts", "list", "--segment", segment, "--format", "csv")
        return r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }
}
