import Foundation
import OutreachModel
import Testing

/// A whole working day of staff, run through the real binary with `LANG=vi_VN.UTF-8` and with
/// `LANG=en_US.UTF-8`: every line the program prints reads in that language. A line fails when
/// it holds a word only the other language's catalog uses (words staff typed or imported, command
/// and option names, and the values files and segments use are theirs, not the program's).
@Suite struct StaffLanguageSessionTests {
    /// The commands whose `--help` staff read.
    static let commands: [[String]] = [
        [], ["contacts"], ["contacts", "import"], ["contacts", "list"], ["contacts", "show"], ["contacts", "add"], ["contacts", "edit"],
        ["contacts", "export"], ["contacts", "unsubscribe"], ["contacts", "forget"], ["campaign"], ["campaign", "create"],
        ["campaign", "notice"], ["campaign", "list"], ["campaign", "preview"], ["campaign", "test"], ["campaign", "launch"],
        ["campaign", "status"], ["campaign", "pause"], ["campaign", "resume"], ["campaign", "cancel"], ["campaign", "retry"],
        ["campaign", "rsvps"], ["campaign", "check"], ["campaign", "delete"], ["campaign", "approve"], ["bounces"],
        ["bounces", "list"], ["bounces", "poll"], ["doctor"], ["dkim"], ["dkim", "keygen"], ["report"], ["staff"], ["join-link"],
        ["checkin"], ["serve"], ["backup"], ["restore"], ["audit"],
    ]

    /// What one daily session printed, command by command (standard output and error).
    static func session(lang: String) throws -> [(command: String, output: String)] {
        let w = try Workspace()
        w.environment["LANG"] = lang
        let sink = try SMTPSink(folder: w.folder.appendingPathComponent("sink"))
        defer { sink.stop() }
        w.environment["OUTREACH_SMTP_URL"] = "smtp://127.0.0.1:\(sink.port)"
        var said: [(String, String)] = []
        func run(_ arguments: String..., stdoutToo: Bool = true) throws { try runArgs(arguments, stdoutToo: stdoutToo) }
        func runArgs(_ arguments: [String], stdoutToo: Bool = true) throws {
            let r = try w.outreachArgs(arguments)
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            said.append((arguments.joined(separator: " "), (stdoutToo ? r.stdout : "") + r.stderr))
        }
        try run("contacts", "import", "Config/sample-contacts.csv")
        try run("contacts", "add", "tam@example.org", "--name", "Lê Văn Tám", "--language", "vi", "--kind", "overseas_vietnamese",
                "--consent", "granted", "--source", "Điện thoại 7/12")
        try run("contacts", "edit", "tam@example.org", "--name", "Lê Tám", "--city", "Cần Thơ", "--tag", "+tet")
        try run("contacts", "list")
        try run("contacts", "show", "tam@example.org")
        try run("campaign", "create", "tet", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        try run("campaign", "check", "tet")
        try run("campaign", "launch", "tet", "--at", "2027-01-20T09:00", "--yes")
        try run("campaign", "status", "tet")
        try run("campaign", "list")
        try run("campaign", "pause", "tet")
        try run("campaign", "resume", "tet")
        try run("campaign", "preview", "tet", "--out", w.path("preview"))
        try run("campaign", "test", "tet", "--to", "staff@cantho.gov.vn", "--as", "tam@example.org")
        try run("campaign", "retry", "tet")
        // The CSV's header names fields (like JSON keys); its totals go to standard error.
        try run("campaign", "rsvps", "tet", stdoutToo: false)
        let event = try String(contentsOf: repositoryRoot.appendingPathComponent("Config/events/new-year-gathering-2027.yaml"), encoding: .utf8)
        let moved = try w.write("moved.yaml", event.replacingOccurrences(of: "2027-01-30T18:00", with: "2027-01-30T18:30"))
        try run("campaign", "notice", "doi-gio", "--of", "tet", "--event", moved, "--yes")
        try run("campaign", "cancel", "tet")
        try run("campaign", "create", "nhap", "--template", "new-year-gathering", "--event", "Config/events/new-year-gathering-2027.yaml")
        try run("campaign", "delete", "nhap", "--yes")
        try run("contacts", "unsubscribe", "tam@example.org")
        try run("backup", w.path("backup"))
        try run("dkim", "keygen", "--selector", "s2027", "--out", w.path("dkim.pem"))
        try run("bounces", "list")
        try run("doctor", "--timeout", "2")
        try run("audit")
        for command in commands { try runArgs(command + ["--help"]) }
        return said
    }

    /// The words of a text, lower-cased, without its `{placeholders}`.
    static func words(_ text: String) -> Set<String> {
        let plain = text.replacing(try! Regex(#"\{[^}]*\}"#), with: " ")
        return Set(plain.split { !$0.isLetter }.map { $0.lowercased() })
    }

    /// Words of everything staff typed or imported in the session, and names the program takes as
    /// input (commands, options, field names, segment and file values): these are not the program's words.
    static func theirs() throws -> Set<String> {
        var words: Set<String> = []
        for file in ["Config/sample-contacts.csv", "Config/events/new-year-gathering-2027.yaml", "Config/outreach.yaml"] {
            words.formUnion(Self.words(try String(contentsOf: repositoryRoot.appendingPathComponent(file), encoding: .utf8)))
        }
        for command in commands { words.formUnion(command.flatMap { Self.words($0) }) }
        words.formUnion(Self.words("""
            new-year-gathering tet tam example org overseas_vietnamese foreign_resident partner other
            staff add edit import yes no none table csv json root help subcommand outreach slug config database nhap s2027 doi gio
            Lê Văn Tám Lê Tám Cần Thơ Điện thoại 7/12
            """))
        return words
    }

    /// An output as said in the language under test, without what is not the program's prose: options
    /// (`--segment`), placeholders (`<slug>`), quoted values, addresses, paths, URLs and the values
    /// argument-parser lists after "(values:"/"(default:" in either language.
    static func prose(_ output: String) -> String {
        var line = output
        for pattern in [#"--?[A-Za-z][\w-]*"#, #"<[^>\n]*>"#, #"'[^'\n]*'"#, #""[^"\n]*""#, #"\S+@\S+"#, #"\S*/\S*"#,
                        #"(\(|; )(values|default|giá trị|mặc định):[^)]*\)"#, #"\$[A-Z_]+"#, #"\b[a-z]+\.[a-z_.]+\b"#] {
            line = line.replacing(try! Regex(pattern), with: " ")
        }
        return line
    }

    /// The lines of `said` holding a word of `foreign` (the other language's own words).
    static func foreignLines(_ said: [(command: String, output: String)], foreign: Set<String>) -> [String] {
        said.flatMap { command, output in
            prose(output).split(separator: "\n").compactMap { line -> String? in
                let found = words(String(line)).intersection(foreign)
                return found.isEmpty ? nil : "outreach \(command): \(line)   ← \(found.sorted())"
            }
        }
    }

    @Test func aDayInVietnameseReadsInVietnamese() throws {
        let english = StaffText.table(.en).values.reduce(into: Set<String>()) { $0.formUnion(Self.words($1)) }
        let vietnamese = StaffText.table(.vi).values.reduce(into: Set<String>()) { $0.formUnion(Self.words($1)) }
        let englishOnly = english.subtracting(vietnamese).subtracting(try Self.theirs()).filter { $0.count > 2 }
        #expect(englishOnly.count > 300, "the catalogs differ in many words: \(englishOnly.count)")
        let said = try Self.session(lang: "vi_VN.UTF-8")
        #expect(said.count > 50)
        let english_ = Self.foreignLines(said, foreign: englishOnly)
        #expect(english_.isEmpty, "English lines in a Vietnamese session:\n\(english_.joined(separator: "\n"))")
    }

    @Test func aDayInEnglishReadsInEnglish() throws {
        let english = StaffText.table(.en).values.reduce(into: Set<String>()) { $0.formUnion(Self.words($1)) }
        let vietnamese = StaffText.table(.vi).values.reduce(into: Set<String>()) { $0.formUnion(Self.words($1)) }
        let vietnameseOnly = vietnamese.subtracting(english).subtracting(try Self.theirs()).filter { $0.count > 1 }
        #expect(vietnameseOnly.count > 300)
        let said = try Self.session(lang: "en_US.UTF-8")
        let vietnamese_ = Self.foreignLines(said, foreign: vietnameseOnly)
        #expect(vietnamese_.isEmpty, "Vietnamese lines in an English session:\n\(vietnamese_.joined(separator: "\n"))")
    }

    /// argument-parser's own errors and help lines read in Vietnamese too; the completion script is
    /// left as argument-parser writes it.
    @Test func argumentErrorsReadInVietnamese() throws {
        let w = try Workspace()
        w.environment["LANG"] = "vi_VN.UTF-8"
        let missing = try w.outreach("campaign", "launch")
        #expect(missing.status != 0 && missing.stderr.contains("Lỗi: Thiếu đối số '<slug>'") && missing.stderr.contains("Cách dùng: outreach campaign launch"),
                "\(missing.stderr)")
        let format = try w.outreach("contacts", "list", "--format", "xml")
        #expect(format.stderr.contains("'table', 'csv' hoặc 'json'") && !format.stderr.contains("Please"), "\(format.stderr)")
        let help = try w.outreach("contacts", "list", "--help")
        #expect(help.stdout.contains("-h, --help              Hiện trợ giúp.") && help.stdout.contains("TÙY CHỌN:"), "\(help.stdout)")
        let script = try w.run(outreachBinary, ["--generate-completion-script", "bash"])
        #expect(script.status == 0 && script.stdout.hasPrefix("#!/bin/bash") && script.stdout.contains("complete -o filenames -F _outreach outreach"))
    }
}
