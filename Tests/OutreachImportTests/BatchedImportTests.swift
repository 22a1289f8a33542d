import Foundation
import Testing
@testable import OutreachImport
import OutreachModel
import OutreachRegister

/// A CSV file is parsed and validated a batch of records at a time (issue 22, point 13): the
/// outcome is the same whatever the batch size, duplicates and rejections across batches included.
@Suite struct BatchedImportTests {
    static let csv = """
        email,name,language,consent
        lan@example.vn,Nguyễn Thị Lan,vi,yes
        "binh@example.vn","Trần
        Bình",vi,yes
        not-an-address,Nobody,vi,yes
        LAN@example.vn,Lan Nguyễn,,yes
        chi@example.vn,Chi,en,no
        binh@example.vn,,fr,
        dung@example.vn,Dũng,vi,yes

        """

    func imported(batch: Int) throws -> (ImportReport, [String]) {
        let register = try Register()
        var importer = ContactImporter()
        importer.recordsPerBatch = batch
        let report = try importer.importBytes(Array(Self.csv.utf8), fileName: "b.csv", into: register)
        let people = try register.contacts(in: Segment("")).map { "\($0.contact.email) \($0.contact.name) \($0.contact.language ?? "-") \($0.consent)" }
        return (report, people)
    }

    @Test(arguments: [1, 2, 3, 100])
    func theSameOutcomeWhateverTheBatchSize(batch: Int) throws {
        let (whole, people) = try imported(batch: 32_768)
        let (batched, batchedPeople) = try imported(batch: batch)
        #expect(batchedPeople == people)
        #expect(batched.rowsRead == whole.rowsRead && batched.added == whole.added && batched.duplicates == whole.duplicates)
        #expect(batched.rejections.map(\.row) == [4] && batched.rejections.map(\.reason) == whole.rejections.map(\.reason))
        #expect(batched.warnings.map(\.row) == whole.warnings.map(\.row))
        #expect(people.count == 4 && batched.duplicates == 2, "\(people)")
    }

    @Test func theReaderHandsOverRecordsInBatchesInOrder() throws {
        var batches: [[CSVReader.Record]] = []
        try CSVReader(delimiter: 0x2C).records(Self.csv, batch: 3) { batches.append($0) }
        #expect(batches.map(\.count) == [3, 3, 2])
        #expect(batches.joined().map(\.row) == (try CSVReader(delimiter: 0x2C).records(Self.csv)).map(\.row))
    }
}
