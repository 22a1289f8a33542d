import OutreachImport
import OutreachModel

/// The summary `contacts import` prints, in the staff's language: what was read, what it did,
/// the columns kept as attributes and the rows that named the same person.
struct ImportSummaryText {
    let report: ImportReport
    let consentGranted: Bool

    var lines: [String] {
        let r = report
        var read = [r.format, r.encoding].compactMap { $0 }
        if !r.delimiter.isEmpty { read.append(StaffText.say("import.summary.delimiter", ["delimiter": r.delimiter])) }
        var lines = [(r.dryRun ? StaffText.say("import.summary.dry_run") : "") + "\(r.fileName) (\(read.joined(separator: ", ")))"]
        let counts: [(String, Int)] = [
            ("import.summary.read_" + r.recordName, r.rowsRead), ("import.summary.added", r.added), ("import.summary.updated", r.updated),
            ("import.summary.unchanged", r.unchanged), ("import.summary.duplicates", r.duplicates), ("import.summary.rejected", r.rejected),
            ("import.summary.suppressed", r.suppressed),
        ]
        let labels = counts.map { StaffText.say($0.0) }
        let width = (labels.map(\.count).max() ?? 0) + 2
        for (label, (_, n)) in zip(labels, counts) { lines.append("  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + "\(n)") }
        if r.moreThanOneAddress > 0 { lines.append("  " + StaffText.say("import.summary.more_addresses", ["n": r.moreThanOneAddress])) }
        if r.format != nil && !consentGranted { lines.append("  " + StaffText.say("import.summary.consent_pending")) }
        if !r.attributeColumns.isEmpty {
            lines.append("  " + StaffText.say("import.summary.attributes", ["columns": r.attributeColumns.map { "\"\($0)\"" }.joined(separator: ", ")]))
        }
        for d in r.duplicateRows.prefix(20) {
            lines.append("  " + StaffText.say("import.summary.duplicate_" + r.recordName, ["email": d.email, "earlier": d.earlier, "later": d.later]))
        }
        if r.duplicateRows.count > 20 { lines.append("  " + StaffText.say("import.summary.more_duplicates", ["n": r.duplicateRows.count - 20])) }
        return lines
    }
}
