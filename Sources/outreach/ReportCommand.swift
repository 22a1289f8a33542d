import ArgumentParser
import Foundation
import OutreachModel
import OutreachReports

/// `outreach report`: a campaign's (or a period's) figures as one self-contained HTML file.
struct ReportCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "report",
        abstract: StaffText.say("help.report.abstract"),
        discussion: StaffText.say("help.report.discussion")
    ) }
    enum Format: String, ExpressibleByArgument { case html, pdf }

    @OptionGroup var global: GlobalOptions
    @Argument(help: staffHelp("help.report.slug")) var slug: String?
    @Flag(help: staffHelp("help.report.all")) var all = false
    @Option(help: staffHelp("help.report.since")) var since: String?
    @Option(help: staffHelp("help.report.out")) var out: String
    @Option(help: staffHelp("help.report.format")) var format: Format = .html

    func validate() throws {
        if all {
            guard slug == nil else { throw ValidationError(StaffText.say("report.slug_and_all")) }
            guard let since, Self.day(since) != nil else { throw ValidationError(StaffText.say("report.all_needs_since")) }
        } else if slug == nil {
            throw ValidationError(StaffText.say("report.needs_campaign"))
        }
    }

    static func day(_ text: String, in zone: TimeZone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd"
        return f.date(from: text)
    }

    func run() async throws {
        let (settings, register) = try await global.register()
        let report = CampaignReport(language: StaffText.language, timeZone: settings.officeTimeZone)
        let html: String
        if let slug {
            html = report.campaignDocument(try await register.campaignFigures(slug, audience: true), generated: Date())
        } else {
            let from = Self.day(since!, in: settings.officeTimeZone)!
            html = report.periodDocument(try await register.periodFigures(since: from), since: from, generated: Date())
        }
        switch format {
        case .html:
            try Data(html.utf8).write(to: URL(fileURLWithPath: out))
        case .pdf:
            try Self.printPDF(html, to: out, hint: report.text[.printHint])
        }
        printError(StaffText.say("report.written", ["file": out]))
    }

    /// Prints the HTML to `out` with headless Chromium; without Chromium, says how to print.
    static func printPDF(_ html: String, to out: String, hint: String) throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ValidationError(StaffText.say("report.no_chromium", ["hint": hint]))
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
            throw ValidationError(StaffText.say("report.chromium_failed", ["file": out, "hint": hint]))
        }
    }
}
