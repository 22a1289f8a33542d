import Foundation
import OutreachModel

/// Progress on a terminal, silence when piped.
struct ProgressBar: Sendable {
    let label: String
    let enabled = isatty(STDERR_FILENO) == 1

    /// Redraws the bar for `done` of `total`.
    func update(_ done: Int, of total: Int, suffix: String = "") {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = min(width, width * done / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(done)/\(total) \(suffix)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}

/// Left-aligned text columns for `table` output, aligned by display width (a CJK character takes
/// two columns, a combining mark none). Cells hold names, relay replies and report texts: they
/// are cleaned of control characters first.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let rows = rows.map { $0.map(OutsideText.cleaned) }
    var widths = header.map(DisplayWidth.of)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(cell)) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in
            i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - DisplayWidth.of(cell))
        }.joined(separator: "  ")
    }
    return ([line(header)] + rows.map(line)).joined(separator: "\n")
}

/// One CSV field: never a formula, quoted when needed (RFC 4180). A cell that starts with `=`,
/// `+`, `-`, `@`, a tab or a CR gets a leading `'` (OWASP's rule against CSV injection: Excel
/// and LibreOffice would run it). Decided on bytes, so a quote with a combining mark on it is
/// still a quote.
func csvField(_ text: String) -> String {
    var text = text
    if let first = text.utf8.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D {
        text = "'" + text
    }
    guard text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return text }
    var out: [UInt8] = [0x22]
    for b in text.utf8 {
        out.append(b)
        if b == 0x22 { out.append(0x22) }
    }
    out.append(0x22)
    return String(decoding: out, as: UTF8.self)
}

/// Pretty, stable JSON with snake_case keys.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
