import Testing
@testable import OutreachImport
import OutreachModel

@Suite struct CSVReaderTests {
    @Test func quotedDelimitersDoubledQuotesAndLineBreaks() throws {
        let text = "email,name,note\r\na@x.de,\"Trần, Lan\",\"said \"\"hi\"\"\"\r\nb@x.de,Bình,\"two\nlines\"\r\n"
        let records = try CSVReader(delimiter: 0x2C).records(text)
        #expect(records.count == 3)
        #expect(records[1].fields == ["a@x.de", "Trần, Lan", "said \"hi\""])
        #expect(records[2].fields == ["b@x.de", "Bình", "two\nlines"])
        #expect(records[2].row == 3)
    }

    @Test func blankLinesCountAsRowsButAreSkipped() throws {
        let records = try CSVReader(delimiter: 0x2C).records("email\n\na@x.de\n")
        #expect(records.map(\.row) == [1, 3])
    }

    @Test func sniffsDelimiters() {
        #expect(CSVReader.sniffDelimiter("email;name;\"a,b\"\n") == 0x3B)
        #expect(CSVReader.sniffDelimiter("email\tname\n") == 0x09)
        #expect(CSVReader.sniffDelimiter("email,name\n") == 0x2C)
    }

    @Test func anUnclosedQuoteNamesTheRow() {
        #expect { try CSVReader(delimiter: 0x2C).records("email,name\na@x.de,\"open\n") } throws: { error in
            (error as? CSVReader.Failure)?.description == "row 2: a quoted field is never closed"
        }
    }

    @Test func textAfterAClosingQuoteJoinsTheFieldAndAQuoteInsideAnUnquotedFieldStays() throws {
        let text = "a,b,c,d\n\"Trần\" Lan,\"\"x,Lê \"Út\",\"say \"\"hi\"\"\" now\n"
        let records = try CSVReader(delimiter: 0x2C).records(text)
        #expect(records[1].fields == ["Trần Lan", "x", "Lê \"Út\"", "say \"hi\" now"])
    }

    @Test func emptyQuotedAndUnquotedFieldsAndAFileWithoutAFinalLineBreak() throws {
        let records = try CSVReader(delimiter: 0x3B).records("a;b;c\r\n\"\";;\"Cần Thơ\"")
        #expect(records.count == 2)
        #expect(records[1].fields == ["", "", "Cần Thơ"])
    }

    @Test func piecesCutAtEveryLineBreakReadAsTheWholeText() throws {
        let text = "email,name,note\r\na@x.de,\"Trần, Lan\",\"two\nlines \"\"q\"\"\"\r\nb@x.de,Bình,\"\"\"\"\n\nc@x.de,\"Lê\nVăn\nAn\",x\n"
        let reader = CSVReader(delimiter: 0x2C)
        let whole = try reader.records(text)
        var pieces = CSVReader.Pieces(reader: reader)
        var read: [CSVReader.Record] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            try pieces.read(String(line) + "\n", final: false, batch: 2) { read += $0 }
        }
        try pieces.read("", final: true, batch: 2) { read += $0 }
        #expect(whole.map(\.fields) == [["email", "name", "note"], ["a@x.de", "Trần, Lan", "two\nlines \"q\""], ["b@x.de", "Bình", "\""],
                                          ["c@x.de", "Lê\nVăn\nAn", "x"]])
        #expect(read.map(\.fields) == whole.map(\.fields))
        #expect(read.map(\.row) == whole.map(\.row))
    }
}
