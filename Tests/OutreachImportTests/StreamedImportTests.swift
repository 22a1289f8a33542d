import Crypto
import Foundation
import Testing
@testable import OutreachImport
import OutreachModel
import OutreachRegister

/// A contact file is read in pieces that end at a line break (issue 22, defect 13): memory holds
/// one piece and one batch of records, and the outcome is the same whatever the piece size,
/// records with line breaks inside quotes, encodings and duplicates across pieces included.
@Suite struct StreamedImportTests {
    /// A piece size for each kind of cut: a few bytes (pieces of one line), a line or two, and
    /// the whole file.
    static let pieceSizes = [1, 7, 40, 1 << 20]

    func imported(pieceBytes: Int, batch: Int = 8_192) throws -> (ImportReport, [String]) {
        let register = try Register()
        var importer = ContactImporter()
        importer.pieceBytes = pieceBytes
        importer.recordsPerBatch = batch
        let report = try importer.importBytes(Array(BatchedImportTests.csv.utf8), fileName: "b.csv", into: register)
        let people = try register.contacts(in: Segment("")).map { "\($0.contact.email) \($0.contact.name) \($0.contact.language ?? "-") \($0.consent)" }
        return (report, people)
    }

    @Test(arguments: pieceSizes)
    func theSameOutcomeWhateverThePieceSize(pieceBytes: Int) throws {
        let (whole, wholePeople) = try imported(pieceBytes: 1 << 20)
        let (report, people) = try imported(pieceBytes: pieceBytes, batch: 2)
        #expect(people == wholePeople)
        #expect(report.rowsRead == 7 && report.added == 4)
        #expect(report.rejections.map(\.row) == [4], "the row with a line break inside quotes counts as one: \(report.rejections.map(\.row))")
        #expect(report.warnings.map(\.row) == whole.warnings.map(\.row))
        // The later row is taken whole, and the summary names both rows.
        #expect(report.duplicates == 2)
        #expect(report.duplicateRows.map { "\($0.earlier)→\($0.later)" }.sorted() == ["2→5", "3→7"], "\(report.duplicateRows)")
        #expect(people.contains { $0.hasPrefix("binh@example.vn  fr ") }, "row 7 wins whole, no name from row 3: \(people)")
    }

    @Test(arguments: pieceSizes)
    func eachEncodingReadsTheSameInPiecesAsWhole(pieceBytes: Int) throws {
        let text = "email,name\r\nlan@example.vn,Nguyễn Thị Lan\r\n\"a@b.vn\",\"Trần\r\nBình\"\r\nc@d.vn,Đặng\r\n"
        let windows1258: [UInt8] = Array("email,name\nx@y.vn,Tr".utf8) + [0xEA, 0xF2, 0x6E] + Array("\n".utf8)  // Trề̀n with a combining tone mark
        var utf16le: [UInt8] = [0xFF, 0xFE]
        for unit in text.utf16 { utf16le += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        var utf16be: [UInt8] = []
        for unit in text.utf16 { utf16be += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        for bytes in [Array(text.utf8), [0xEF, 0xBB, 0xBF] + Array(text.utf8), utf16le, utf16be, windows1258] {
            let whole = try TextDecoder.decode(bytes)
            var file = ContactFile(bytes: bytes, encoding: .auto)
            file.pieceBytes = pieceBytes
            let (reading, sha) = try file.inspect()
            var pieces: [String] = []
            var hasher: SHA256? = SHA256()
            try file.text(reading, hashing: &hasher) { pieces.append($0) }
            #expect(hasher.map { Hex.string($0.finalize()) } == sha, "the reading hashes every byte")
            #expect(reading.name == whole.encoding)
            #expect(pieces.joined() == whole.text, "\(reading.name) in pieces of \(pieceBytes)")
            #expect(pieces.dropLast().allSatisfy { $0.utf8.last == 0x0A }, "every piece but the last ends a line")
            #expect(sha == Hex.string(SHA256.hash(data: bytes)))
        }
    }

    @Test func aFileInNoEncodingIsRefusedNamingTheLineWhereverItIs() throws {
        let bytes = Array("email\na@b.vn\nc@d.vn\n".utf8) + [0x81, 0x0A]
        var file = ContactFile(bytes: bytes, encoding: .auto)
        file.pieceBytes = 5
        #expect { try file.inspect() } throws: { error in
            (error as? TextDecoder.Failure)?.message.description.contains("line 4") == true
        }
    }

    @Test func recordsCutAtEveryLineBreakAreTheRecordsOfTheWhole() throws {
        let text = "email,note\n\"a@b.vn\",\"one\ntwo \"\"quoted\"\"\n\nthree\"\n\nc@d.vn,\"\"\"\"\n e@f.vn ,x\n"
        let whole = try CSVReader(delimiter: 0x2C).records(text)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\n" }
        for cut in 1..<lines.count {
            var pieces = CSVReader.Pieces(reader: CSVReader(delimiter: 0x2C))
            var records: [CSVReader.Record] = []
            try pieces.read(lines[..<cut].joined(), final: false, batch: 2) { records += $0 }
            try pieces.read(lines[cut...].joined().dropLast().description, final: true, batch: 2) { records += $0 }
            #expect(records.map(\.row) == whole.map(\.row) && records.map(\.fields) == whole.map(\.fields), "cut after line \(cut)")
        }
    }

    @Test func aQuoteNeverClosedIsRefusedWithItsRowWhenTheFileEnds() throws {
        var pieces = CSVReader.Pieces(reader: CSVReader(delimiter: 0x2C))
        try pieces.read("email,name\na@b.vn,\"open\n", final: false, batch: 10) { _ in }
        #expect { try pieces.read("still open\n", final: true, batch: 10) { _ in } } throws: { error in
            (error as? CSVReader.Failure)?.description == "row 2: a quoted field is never closed"
        }
    }
}
