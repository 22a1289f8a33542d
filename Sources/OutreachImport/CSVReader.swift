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
        var result: [Record] = []
        try records(text, batch: Int.max) { result += $0 }
        return result
    }

    /// The non-blank records of `text`, header included, handed to `body` `batch` at a time as
    /// they are read: only one batch of records is held at once, whatever the file's size.
    public func records(_ text: String, batch: Int, _ body: ([Record]) -> Void) throws(Failure) {
        var pieces = Pieces(reader: self)
        try pieces.read(text, final: true, batch: batch, body)
    }

    /// Records of a text handed over in pieces (each ending after a line break, as
    /// `ContactFile` cuts them): a record whose quoted field goes on into the next piece is read
    /// with it. Row numbers go on from piece to piece.
    public struct Pieces {
        let reader: CSVReader
        /// The start of a record not finished in the last piece.
        private var carried: [UInt8] = []
        private var rowsBefore = 0
        private var any = false

        public init(reader: CSVReader) { self.reader = reader }

        /// Reads `text`, the next piece; `final`: the file ends with it.
        public mutating func read(_ text: String, final: Bool, batch: Int, _ body: ([Record]) -> Void) throws(Failure) {
            var bytes = carried
            bytes.append(contentsOf: text.utf8)
            var failure: Failure?
            var result: (consumed: Int, rows: Int) = (0, rowsBefore)
            var sawRecord = any
            let rowsBefore = self.rowsBefore
            bytes.withUnsafeBufferPointer { buffer in
                do throws(Failure) {
                    result = try reader.parse(buffer, batch: batch, rowsBefore: rowsBefore, final: final) { sawRecord = sawRecord || !$0.isEmpty; body($0) }
                } catch { failure = error }
            }
            if let failure { throw failure }
            any = sawRecord
            self.rowsBefore = result.rows
            carried = Array(bytes[result.consumed...])
            if final && !any { throw .empty }
        }
    }

    /// Parses `bytes`; returns how far it read (the start of a record it could not finish, when
    /// not `final`) and the number of the last row read.
    /// A field is made into a String straight from its slice of `bytes`; only a quoted field with a
    /// doubled quote or text after its closing quote is gathered byte by byte.
    fileprivate func parse(_ bytes: UnsafeBufferPointer<UInt8>, batch: Int, rowsBefore: Int, final: Bool,
                           _ body: ([Record]) -> Void) throws(Failure) -> (consumed: Int, rows: Int) {
        var records: [Record] = []
        var fields: [String] = []
        var width = 0
        /// A field that could not be sliced (doubled quotes, text after the closing quote).
        var gathered: [UInt8] = []
        var isGathered = false
        var fieldStart = 0
        var fieldEnd = 0
        var recordNumber = rowsBefore
        var recordStart = 0
        var i = 0
        let n = bytes.count
        var fieldWasQuoted = false

        func endField() {
            if isGathered {
                fields.append(String(decoding: gathered, as: UTF8.self))
                gathered.removeAll(keepingCapacity: true)
                isGathered = false
            } else {
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<fieldEnd]), as: UTF8.self))
            }
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            recordNumber += 1
            let blank = fields.count == 1 && fields[0].isEmpty
            if !blank { records.append(Record(row: recordNumber, fields: fields)) }
            width = max(width, fields.count)
            fields = []
            fields.reserveCapacity(width)
            if records.count >= batch {
                body(records)
                records.removeAll(keepingCapacity: true)
            }
        }
        /// Starts gathering the current field byte by byte (its bytes so far first).
        func gather() {
            guard !isGathered else { return }
            gathered.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[fieldStart..<fieldEnd]))
            isGathered = true
        }

        fieldStart = 0
        fieldEnd = 0
        while i < n {
            let b = bytes[i]
            if b == 0x22 && fieldStart == fieldEnd && !isGathered && !fieldWasQuoted {
                // A quoted field: read to the closing quote.
                fieldWasQuoted = true
                i += 1
                fieldStart = i
                fieldEnd = i
                var closed = false
                while i < n {
                    let c = bytes[i]
                    if c == 0x22 {
                        if i + 1 < n && bytes[i + 1] == 0x22 {
                            gather()
                            gathered.append(0x22)
                            i += 2
                            continue
                        }
                        // A quote that ends the piece may be the first of a doubled one.
                        if i + 1 == n && !final { break }
                        closed = true; i += 1; break
                    }
                    if isGathered { gathered.append(c) } else { fieldEnd = i + 1 }
                    i += 1
                }
                if !closed {
                    if final { throw .unclosedQuote(row: recordNumber + 1) }
                    if !records.isEmpty { body(records) }
                    return (recordStart, recordNumber)
                }
                continue
            }
            if b == delimiter {
                endField()
                fieldStart = i + 1
                fieldEnd = i + 1
            } else if b == 0x0A || b == 0x0D {
                endRecord()
                if b == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A { i += 1 }
                recordStart = i + 1
                fieldStart = i + 1
                fieldEnd = i + 1
            } else if isGathered || (fieldWasQuoted && fieldEnd != i) {
                // Text after a closing quote, as spreadsheets do: it joins the quoted text.
                gather()
                gathered.append(b)
            } else {
                fieldEnd = i + 1
            }
            i += 1
        }
        if final {
            if fieldEnd > fieldStart || isGathered || !fields.isEmpty || fieldWasQuoted { endRecord() }
            recordStart = n
        }
        if !records.isEmpty { body(records) }
        return (recordStart, recordNumber)
    }
}
