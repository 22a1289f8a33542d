import ArgumentParser
import Foundation
import OutreachReports

/// `outreach report`: a campaign's (or a period's) figures as one self-contained HTML file.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a campaign's report (or a period's, with --all --since) as one self-contained HTML file with charts.",
        discussion: "Nothing in the file is fetched from elsewhere; it prints on A4. --format pdf prints it with headless Chromium."
    )
    enum Format: String, ExpressibleByArgument { case html, pdf }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The campaign (omit with --all).") var slug: String?
    @Flag(help: "Every campaign created or launched since --since.") var all = false
    @Option(help: "With --all: the first day (YYYY-MM-DD, office time).") var since: String?
    @Option(help: "The file to write.") var out: String
    @Option(help: "html, or pdf (needs Chromium).") var format: Format = .html

    func validate() throws {
        if all {
            guard slug == nil else { throw ValidationError("give either a campaign or --all, not both") }
            guard since.flatMap(Self.day) != nil else { throw ValidationError("--all needs --since YYYY-MM-DD") }
        } else if slug == nil {
            throw ValidationError("name a campaign, or give --all --since YYYY-MM-DD")
        }
    }

    static let officeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!

    static func day(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = officeZone
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: text)
    }

    func run() async throws {
        let (_, register) = try await global.register()
        let report = CampaignReport(language: StaffLanguage.current(), timeZone: Self.officeZone)
        let html: String
        if let slug {
            html = report.campaignDocument(try await register.campaignFigures(slug, audience: true), generated: Date())
        } else {
            let from = Self.day(since!)!
            html = report.periodDocument(try await register.periodFigures(since: from), since: from, generated: Date())
        }
        switch format {
        case .html:
            try Data(html.utf8).write(to: URL(fileURLWithPath: out))
        case .pdf:
            try Self.printPDF(html, to: out, hint: ReportText(StaffLanguage.current())[.printHint])
        }
        printError("Wrote \(out).")
    }

    /// Prints the HTML to `out` with headless Chromium; without Chromium, says how to print.
    static func printPDF(_ html: String, to out: String, hint: String) throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ValidationError("no Chromium here to make a PDF: write --format html. \(hint)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("report.html")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                             "--user-data-dir=\(folder.path)/profile", "--print-to-pdf=\(URL(fileURLWithPath: out).path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: out) else {
            throw ValidationError("Chromium could not print \(out): write --format html. \(hint)")
        }
    }
}
