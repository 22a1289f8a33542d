import Foundation
import Testing

/// `outreach report … --format pdf` prints the report through headless Chromium when it is there
/// (the browser tests install it; a machine without it is told how to print instead).
@Suite struct ReportPDFTests {
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium")))
    func aReportPrintsToAPDFThroughChromium() throws {
        let w = try Workspace()
        try w.importPeople(5)
        #expect(try w.outreach("campaign", "create", "tet", "--template", "new-year-gathering",
                               "--event", "Config/events/new-year-gathering-2027.yaml").status == 0)
        let out = w.path("tet.pdf")
        let r = try w.outreach("report", "tet", "--out", out, "--format", "pdf")
        #expect(r.status == 0, "\(r.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(bytes.starts(with: Data("%PDF-".utf8)))
        #expect(String(decoding: bytes, as: UTF8.self).contains("/Type /Page"))
    }
}
