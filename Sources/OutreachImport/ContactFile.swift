import Crypto
import Foundation
import OutreachModel

/// A contact file read in pieces that end at a line break, so that no piece splits a character
/// (or a combining sequence: none spans a line break) and memory holds one piece at a time,
/// whatever the file's size. A first reading settles the encoding (as `TextDecoder.decode` would
/// for the whole file) and the file's SHA-256; a second one hands over the text, piece by piece.
struct ContactFile: Sendable {
    /// How much is read at a time, and the longest line a piece may hold.
    static let pieceBytes = 4 << 20
    static let longestLine = 16 << 20
    /// How much this reading reads at a time (small in tests, to cut a file in many pieces).
    var pieceBytes = ContactFile.pieceBytes

    private enum Source { case path(String), bytes([UInt8]) }
    private let source: Source
    /// The encoding asked for (`--encoding`).
    let encoding: TextEncoding

    init(path: String, encoding: TextEncoding) { source = .path(path); self.encoding = encoding }
    init(bytes: [UInt8], encoding: TextEncoding) { source = .bytes(bytes); self.encoding = encoding }

    /// How the file's text was written: the encoding's name and how to read a piece of it.
    struct Reading: Sendable {
        let name: String
        let decode: @Sendable ([UInt8]) -> String?
        /// Bytes at the start of the file that are not text (a byte order mark).
        let skip: Int
        let unitBytes: Int
        let bigEndian: Bool
    }

    /// Reads the whole file once: its encoding and its SHA-256 (hex).
    func inspect() throws -> (reading: Reading, sha256: String) {
        var hasher = SHA256()
        var first: [UInt8]?
        var valid = (utf8: true, windows1258: true, utf16: true)
        var firstBadUTF8: StaffMessage?
        var lines = 0
        var unit = 1
        var isFirst = true
        try pieces(unitBytes: { first in
            // UTF-16 is known from the first bytes: its line breaks are two bytes long.
            unit = Self.isUTF16(first, asked: encoding) ? 2 : 1
            return unit
        }) { piece in
            hasher.update(data: piece)
            if first == nil { first = Array(piece.prefix(64)) }
            defer { isFirst = false }
            if unit == 1 {
                if valid.utf8, TextDecoder.utf8(piece, bomAllowed: isFirst) == nil {
                    valid.utf8 = false
                    firstBadUTF8 = TextDecoder.firstInvalidUTF8(piece, lineOffset: lines)
                }
                // Windows-1258 matters only for a file that is not UTF-8: checked below if so.
                if valid.utf8 { lines += Self.lineCount(piece) }
            } else if valid.utf16, piece.count % 2 != 0 || TextDecoder.utf16(piece, bigEndian: Self.bigEndian(first!)) == nil {
                valid.utf16 = false
            }
        }
        if unit == 1 && (encoding == .windows1258 || (encoding == .auto && !valid.utf8)) { valid.windows1258 = try allWindows1258() }
        let sha = Hex.string(hasher.finalize())
        let head = first ?? []
        let bad = firstBadUTF8 ?? StaffMessage("import.truncated")
        func fail(_ key: String) -> TextDecoder.Failure { TextDecoder.Failure(message: StaffMessage(key)) }
        let utf8 = Self.utf8Reading(head)
        let windows = Reading(name: "windows-1258", decode: TextDecoder.windows1258, skip: 0, unitBytes: 1, bigEndian: false)
        let bigEndian = Self.bigEndian(head)
        let utf16 = Reading(name: bigEndian ? "utf-16be" : "utf-16le", decode: { TextDecoder.utf16($0, bigEndian: bigEndian) },
                            skip: head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) ? 2 : 0, unitBytes: 2, bigEndian: bigEndian)
        switch encoding {
        case .utf8:
            guard unit == 1, valid.utf8 else { throw TextDecoder.Failure(message: StaffMessage("import.not_utf8", ["where": bad])) }
            return (utf8, sha)
        case .utf16:
            guard unit == 2, valid.utf16 else { throw fail("import.not_utf16") }
            return (utf16, sha)
        case .windows1258:
            guard unit == 1, valid.windows1258 else { throw fail("import.not_windows1258") }
            return (windows, sha)
        case .auto:
            if head.starts(with: [0xEF, 0xBB, 0xBF]) {
                guard valid.utf8 else { throw TextDecoder.Failure(message: StaffMessage("import.bom_not_utf8", ["where": bad])) }
                return (utf8, sha)
            }
            if unit == 2 {
                guard valid.utf16 else { throw fail("import.looks_utf16") }
                return (utf16, sha)
            }
            if valid.utf8 { return (utf8, sha) }
            if valid.windows1258 { return (windows, sha) }
            throw TextDecoder.Failure(message: StaffMessage("import.unknown_encoding", ["where": bad]))
        }
    }

    /// How the file reads as UTF-8, when its first bytes allow it (nil: it may be UTF-16, or
    /// another encoding was asked for), found without reading it whole. The reading checks each
    /// piece as it decodes it: a piece that is not UTF-8 fails with a `TextDecoder.Failure`, and
    /// only then is the file read whole for its encoding (`inspect`).
    func utf8Guess() throws -> Reading? {
        guard encoding == .auto || encoding == .utf8 else { return nil }
        let head: [UInt8]
        switch source {
        case .bytes(let bytes): head = Array(bytes.prefix(64))
        case .path(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ContactImporter.Failure.unreadable(path, String(cString: strerror(errno)))
            }
            defer { try? handle.close() }
            do { head = [UInt8](try handle.read(upToCount: 64) ?? Data()) } catch {
                throw ContactImporter.Failure.unreadable(path, (error as NSError).localizedDescription)
            }
        }
        return Self.isUTF16(head, asked: encoding) ? nil : Self.utf8Reading(head)
    }

    private static func utf8Reading(_ head: [UInt8]) -> Reading {
        Reading(name: "utf-8", decode: { TextDecoder.utf8($0, bomAllowed: true) }, skip: head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0,
                unitBytes: 1, bigEndian: false)
    }

    /// How many line feeds `bytes` holds (memchr: this runs over every byte of the file).
    static func lineCount(_ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { buffer in
            guard var p = buffer.baseAddress else { return 0 }
            var left = buffer.count
            var count = 0
            while left > 0, let hit = memchr(p, 0x0A, left) {
                count += 1
                let next = UnsafeRawPointer(hit) + 1
                left -= next - p
                p = next
            }
            return count
        }
    }

    /// Whether every byte of the file is one Windows-1258 defines (one more reading, only for a
    /// file that is not UTF-8 or is asked to be read as Windows-1258).
    private func allWindows1258() throws -> Bool {
        var valid = true
        try pieces(unitBytes: { _ in 1 }) { piece in if valid { valid = TextDecoder.isWindows1258(piece) } }
        return valid
    }

    /// Hands `body` the file's text (NFC, without byte order mark), a piece at a time; `hasher`
    /// (when not nil) is given every byte of the file.
    func text(_ reading: Reading, hashing hasher: inout SHA256?, _ body: (String) throws -> Void) throws {
        var first = true
        try pieces(unitBytes: { _ in reading.unitBytes }) { piece in
            hasher?.update(data: piece)
            let bytes = first && reading.skip > 0 ? Array(piece.dropFirst(reading.skip)) : piece
            first = false
            // The encoding was checked over the whole file by `inspect`.
            guard let text = reading.decode(bytes) else { throw TextDecoder.Failure(message: StaffMessage("import.truncated")) }
            try body(TextDecoder.nfc(text))
        }
    }

    /// Whether the file is UTF-16: asked for, or a UTF-16 byte order mark or NULs in its first
    /// line (Excel's "Unicode Text") when the encoding is left to us.
    static func isUTF16(_ head: [UInt8], asked: TextEncoding) -> Bool {
        switch asked {
        case .utf16: return true
        case .utf8, .windows1258: return false
        case .auto:
            if head.starts(with: [0xEF, 0xBB, 0xBF]) { return false }
            return head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) || TextDecoder.looksLikeUTF16(head)
        }
    }

    static func bigEndian(_ head: [UInt8]) -> Bool {
        if head.starts(with: [0xFF, 0xFE]) { return false }
        if head.starts(with: [0xFE, 0xFF]) { return true }
        return head.count >= 2 && head[0] == 0 && head[1] != 0
    }

    /// The file's bytes in pieces of about `pieceBytes`, each ending after a line break (a
    /// two-byte one at an even offset for UTF-16, whose order `unitBytes` learns from the first
    /// bytes), the last one ending where the file ends.
    private func pieces(unitBytes: ([UInt8]) -> Int, _ body: ([UInt8]) throws -> Void) throws {
        var pending: [UInt8] = []
        var unit = 0
        var lineFeed: [UInt8] = [0x0A]
        func handOver(final: Bool) throws {
            while !pending.isEmpty {
                if unit == 0 {
                    // The first bytes tell the encoding: wait until there are enough of them.
                    guard pending.count >= 64 || final else { return }
                    unit = unitBytes(Array(pending.prefix(64)))
                    if unit == 2 { lineFeed = Self.bigEndian(Array(pending.prefix(64))) ? [0x00, 0x0A] : [0x0A, 0x00] }
                }
                guard let end = Self.lastLineEnd(pending, lineFeed: lineFeed) else {
                    if final { try body(pending); pending = [] }
                    else if pending.count > Self.longestLine {
                        throw TextDecoder.Failure(message: StaffMessage("import.line_too_long", ["megabytes": Self.longestLine >> 20]))
                    }
                    return
                }
                try body(Array(pending[..<end]))
                pending.removeSubrange(..<end)
                if !final { return }
            }
        }
        switch source {
        case .bytes(let bytes):
            var start = 0
            while start < bytes.count {
                let end = min(start + pieceBytes, bytes.count)
                pending += bytes[start..<end]
                start = end
                try handOver(final: start == bytes.count)
            }
        case .path(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ContactImporter.Failure.unreadable(path, String(cString: strerror(errno)))
            }
            defer { try? handle.close() }
            while true {
                let data: Data?
                do { data = try handle.read(upToCount: pieceBytes) } catch {
                    throw ContactImporter.Failure.unreadable(path, (error as NSError).localizedDescription)
                }
                guard let data, !data.isEmpty else { break }
                pending += data
                try handOver(final: false)
            }
            try handOver(final: true)
        }
    }

    /// The index just past the last line break in `bytes` (aligned to its length), or nil.
    static func lastLineEnd(_ bytes: [UInt8], lineFeed: [UInt8]) -> Int? {
        var i = bytes.count - lineFeed.count
        while i >= 0 {
            if bytes[i] == lineFeed[0] && (lineFeed.count == 1 || (i % 2 == 0 && bytes[i + 1] == lineFeed[1])) { return i + lineFeed.count }
            i -= 1
        }
        return nil
    }
}
