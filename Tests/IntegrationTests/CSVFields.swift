import Foundation

/// RFC 4180 read on bytes (an oracle of its own, not the importer's reader): rows of fields.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var field: [UInt8] = []
    var quoted = false, afterQuote = false
    let bytes = Array(text.utf8)
    var i = 0
    func endField() { row.append(String(decoding: field, as: UTF8.self)); field = []; afterQuote = false }
    while i < bytes.count {
        let b = bytes[i]
        if quoted {
            if b == 0x22 {
                if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                quoted = false; afterQuote = true
            } else { field.append(b) }
        } else if b == 0x22, field.isEmpty, !afterQuote {
            quoted = true
        } else if b == 0x2C {
            endField()
        } else if b == 0x0A || (b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) {
            endField(); rows.append(row); row = []
            if b == 0x0D { i += 1 }
        } else {
            field.append(b)
        }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty { endField(); rows.append(row) }
    return rows
}

/// One field for a CSV file the test writes (always quoted; quotes doubled byte by byte, since a
/// quote with a combining mark is one Character that `replacingOccurrences` would not see).
func quotedCSV(_ text: String) -> String {
    var out: [UInt8] = [0x22]
    for b in text.utf8 { out.append(b); if b == 0x22 { out.append(0x22) } }
    return String(decoding: out + [0x22], as: UTF8.self)
}

/// Cells a spreadsheet would run as a formula.
func looksLikeFormula(_ cell: String) -> Bool {
    guard let first = cell.utf8.first else { return false }
    return first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
}

/// A seeded generator (SplitMix64): a failing fuzz case can be replayed from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random text made of what breaks naive code: quotes, commas, formula starts, combining marks,
/// controls, zero-width characters, Vietnamese and CJK letters.
func awkwardText(_ g: inout SeededGenerator, length: Int) -> String {
    let pools: [[UInt32]] = [
        Array(0x61...0x7A), [0x22, 0x2C, 0x3D, 0x2B, 0x2D, 0x40, 0x27, 0x3B, 0x20, 0x09, 0x3C, 0x3E],
        Array(0x300...0x36F), [0x20D0, 0x20E3, 0x1AB0], [0x01, 0x07, 0x1B, 0x7F, 0x85, 0x200B, 0x200E, 0x2028, 0xFEFF],
        [0x1EA1, 0x1EC7, 0x01B0, 0x0111, 0x4E2D, 0x6587, 0xD55C, 0x3042, 0x201C, 0x201D, 0xFF02, 0xFF1D],
    ]
    var scalars = String.UnicodeScalarView()
    for _ in 0..<length {
        let pool = pools[Int.random(in: 0..<pools.count, using: &g)]
        scalars.append(Unicode.Scalar(pool[Int.random(in: 0..<pool.count, using: &g)])!)
    }
    return String(scalars)
}
