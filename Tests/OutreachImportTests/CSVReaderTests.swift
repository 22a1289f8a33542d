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
}
