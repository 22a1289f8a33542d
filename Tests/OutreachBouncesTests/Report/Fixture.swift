import Foundation
@testable import OutreachBounces

/// The .eml files in `Fixtures/` next to this file (found through `#filePath`, so the tests run
/// wherever the folder is placed). Each was written by hand after the RFCs and after what the named
/// mail system writes (generated once by a script kept with the scratch package; edit them by hand).
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every fixture file name, sorted.
    static let names: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
    }()

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func report(_ name: String) throws -> BounceReport {
        try BounceReport(parsing: bytes(name))
    }

    /// The one recipient of a report that names exactly one.
    static func recipient(_ name: String) throws -> BounceReport.RecipientStatus {
        let recipients = try report(name).recipients
        guard recipients.count == 1 else { throw FixtureError.recipients(name, recipients.count) }
        return recipients[0]
    }

    enum FixtureError: Error { case recipients(String, Int) }
}

/// The VERP addresses the fixtures were written with: `bounces+TOKEN@cantho.gov.vn`, the envelope
/// sender of the invitation, and the unsubscribe address in its List-Unsubscribe.
enum VERP {
    static func address(_ token: String) -> String { "bounces+\(token)@cantho.gov.vn" }
}
