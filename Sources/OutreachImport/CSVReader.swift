import OutreachModel

/// An RFC 4180 reader: quoted delimiters, doubled quotes, line breaks inside quotes, CRLF or LF.
/// It works on UTF-8 bytes; fields come back as Strings.
public struct CSVReader {
    /// One record with its number as a spreadsheet shows it: the header is row 1, a record with a
    /// line break inside quotes is still one row, blank lines count.
    public struct Record: Sendable {
        public let row: Int
        public let fields: [String]
    }

    public enum Failure: StaffFacingError {
        case unclosedQuote(row: Int)
        case empty
        public var message: StaffMessage {
            switch self {
            case .unclosedQuote(let row): StaffMessage("import.unclosed_quote", ["row": row])
            case .empty: StaffMessage("import.empty_file")
            }
        }
    }

    public let delimiter: UInt8

    public init(delimiter: UInt8) { self.delimiter = delimiter }

    /// The delimiter of `text`, sniffed from its first line: the most frequent of tab, `;` and `,`
    /// outside quotes (a tie goes to tab, then `;`, then `,`).
    public static func sniffDelimiter(_ text: String) -> UInt8 {
        var counts: [UInt8: Int] = [0x09: 0, 0x3B: 0, 0x2C: 0]
        var quoted = false
        for b in text.utf8 {
            if b == 0x22 { quoted.toggle() }
            else if !quoted && (b == 0x0A || b == 0x0D) { break }
            else if !quoted && counts[b] != nil { counts[b]! += 1 }
        }
        let order: [UInt8] = [0x09, 0x3B, 0x2C]
        return order.max { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && order.firstIndex(of: $0)! < order.firstIndex(of: $1)!) }.map { counts[$0]! > 0 ? $0 : 0x2C } ?? 0x2C
    }

    /// Every non-blank record of `text`, header included.
    public func records(_ text: String) throws(Failure) -> [Record] {
        var text = text
        var result: [Record] = []
        var failure: Failure?
        text.withUTF8 { bytes in
            do throws(Failure) { result = try parse(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
        guard !result.isEmpty else { throw .empty }
        return result
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var recordNumber = 0
        var i = 0
        let n = bytes.count
        var fieldWasQuoted = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            recordNumber += 1
            let blank = fields.count == 1 && fields[0].isEmpty
            if !blank { records.append(Record(row: recordNumber, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }

        while i < n {
            let b = bytes[i]
            if b == 0x22 && field.isEmpty && !fieldWasQuoted {
                // A quoted field: read to the closing quote.
                fieldWasQuoted = true
                i += 1
                var closed = false
                while i < n {
                    let c = bytes[i]
                    if c == 0x22 {
                        if i + 1 < n && bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                        closed = true; i += 1; break
                    }
                    field.append(c)
                    i += 1
                }
                if !closed { throw .unclosedQuote(row: recordNumber + 1) }
                continue
            }
            if b == delimiter {
                endField()
            } else if b == 0x0A || b == 0x0D {
                endRecord()
                if b == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A { i += 1 }
            } else {
                field.append(b)  // also text after a closing quote, as spreadsheets do
            }
            i += 1
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
