import Foundation
import Testing

/// Issue 22, defect 16: commands started together on a database that does not exist yet take
/// turns to create it (a lock next to the file), so none fails with a raw migration error and
/// every one finds the whole schema.
@Suite struct FreshDatabaseTests {
    /// Runs `commands` at once and returns each one's exit status and standard error. Each waits
    /// at a gate (a shared `flock` on a file the launcher holds exclusively) until all have been
    /// started, so they open the database in the same instant, as a script's `&` jobs do.
    func runTogether(_ w: Workspace, _ commands: [[String]]) throws -> [(status: Int, stderr: String)] {
        let launcher = """
            import fcntl, json, subprocess, sys
            gate = open(sys.argv[2], "w")
            fcntl.flock(gate, fcntl.LOCK_EX)
            ps = [subprocess.Popen(["flock", "-s", sys.argv[2]] + c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                  for c in json.loads(sys.argv[1])]
            fcntl.flock(gate, fcntl.LOCK_UN)
            print(json.dumps([[p.wait(), p.stderr.read().decode("utf-8", "replace")] for p in ps]))
            """
        let argv = String(decoding: try JSONSerialization.data(withJSONObject: commands), as: UTF8.self)
        let r = try w.run("/usr/bin/python3", ["-c", launcher, argv, w.path("gate")])
        let results = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[Any]] ?? []
        return results.map { (($0[0] as? Int) ?? -1, ($0[1] as? String) ?? "") }
    }

    /// Three rounds, each on a new database: one round of a race that today's main loses most of
    /// the time can still go right by luck.
    @Test(arguments: 1...3)
    func thirtyCommandsStartedTogetherOnANewDatabaseAllSucceedAndFindTheSchema(round: Int) throws {
        let w = try Workspace()
        // Neither the folder nor the database exists yet.
        let database = w.path("data/outreach.sqlite")
        var commands: [[String]] = []
        var imported = 0
        for n in 0..<30 {
            let command: [String]
            switch n % 5 {
            case 0, 3:
                let file = try w.write("people-\(n).csv", "email,name,language,consent\nperson\(n)@example.vn,Person \(n),vi,yes\n")
                command = ["contacts", "import", file]
                imported += 1
            case 1: command = ["contacts", "list"]
            case 2: command = ["campaign", "list"]
            default: command = ["bounces", "list"]
            }
            commands.append([outreachBinary, "--database", database] + command)
        }
        let results = try runTogether(w, commands)
        #expect(results.count == 30)
        for (n, result) in results.enumerated() {
            #expect(result.status == 0, "\(commands[n].dropFirst(3).joined(separator: " ")) failed: \(result.stderr)")
        }
        // The schema is whole, each migration applied once, the newest the one this binary names.
        let version = try w.run(outreachBinary, ["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let migrations = try w.run("/usr/bin/sqlite3", [database, "SELECT identifier FROM grdb_migrations ORDER BY rowid"]).stdout
            .split(separator: "\n").map(String.init)
        #expect(!migrations.isEmpty && Set(migrations).count == migrations.count)
        #expect("outreach " + (migrations.last ?? "") == version, "\(migrations.last ?? "none") against \(version)")
        let listed = try w.run(outreachBinary, ["--database", database, "contacts", "list", "--format", "csv"])
        #expect(listed.stdout.split(separator: "\n").filter { $0.contains("@example.vn") }.count == imported, "\(listed.stdout)")
        // A new database has nothing to keep: no copy from before a migration.
        let files = try FileManager.default.contentsOfDirectory(atPath: w.path("data"))
        #expect(files.filter { $0.contains(".before-") }.isEmpty, "\(files)")
    }
}
