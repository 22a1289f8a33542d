import Dispatch
import Foundation
import Synchronization
import Testing
@testable import OutreachImport
import OutreachModel
import OutreachRegister

/// A thread of its own reads and validates the next batch of a file while the register stages
/// this one (issue 28): the summary, its order and the people imported are those of a reading
/// done in one piece, and the reader is never more than the hand-over's room ahead.
@Suite struct PipelinedImportTests {
    /// 300 rows: every 13th address is not one (rejected), every 11th country unknown (a
    /// warning), and every 17th row repeats the address of the row 7 rows before it (a duplicate
    /// across a batch boundary for batches of 7).
    static let file: (csv: String, rejected: [Int], warned: [Int], pairs: [String]) = {
        var lines = ["email,name,country,consent"]
        var rejected: [Int] = [], warned: [Int] = [], pairs: [String] = []
        var addresses: [Int: String] = [:]
        for i in 1...300 {
            let row = i + 1
            var email = "person\(i)@example.vn"
            if i % 17 == 0, let earlier = addresses[i - 7] { email = earlier.uppercased(); pairs.append("\(i - 7 + 1)→\(row)") }
            if i % 13 == 0 { email = "not-an-address-\(i)"; rejected.append(row); pairs.removeAll { $0.hasSuffix("→\(row)") } }
            else { addresses[i] = email }
            let country = i % 11 == 0 ? "Atlantis" : "DE"
            if i % 11 == 0 && i % 13 != 0 { warned.append(row) }
            lines.append("\(email),Người \(i),\(country),yes")
        }
        return (lines.joined(separator: "\r\n") + "\r\n", rejected, warned, pairs)
    }()

    func imported(batch: Int, pieceBytes: Int = 1 << 20) throws -> (ImportReport, [String]) {
        let register = try Register()
        var importer = ContactImporter()
        importer.recordsPerBatch = batch
        importer.pieceBytes = pieceBytes
        let report = try importer.importBytes(Array(Self.file.csv.utf8), fileName: "p.csv", into: register)
        let people = try register.contacts(in: Segment("")).map { "\($0.contact.email) \($0.contact.name) \($0.contact.country ?? "-")" }
        return (report, people)
    }

    @Test(arguments: [(7, 1 << 20), (7, 100), (1, 64), (50, 1 << 20)])
    func rejectionsWarningsAndDuplicatesOfManyBatchesComeInFileOrder(batch: Int, pieceBytes: Int) throws {
        let (report, people) = try imported(batch: batch, pieceBytes: pieceBytes)
        let (whole, wholePeople) = try imported(batch: 32_768)
        #expect(report.rejections.map(\.row) == Self.file.rejected, "rejections in file order")
        #expect(report.rejections.allSatisfy { $0.reason.contains("not-an-address-\($0.row - 1)") }, "each names its own row's address")
        #expect(report.warnings.map(\.row) == Self.file.warned, "warnings in file order")
        #expect(report.duplicateRows.map { "\($0.earlier)→\($0.later)" }.sorted() == Self.file.pairs.sorted())
        #expect(report.rowsRead == 300 && report.rejected == Self.file.rejected.count)
        #expect(report.added == 300 - Self.file.rejected.count - Self.file.pairs.count)
        #expect(people == wholePeople && report.rejections.map(\.reason) == whole.rejections.map(\.reason))
        #expect(!Self.file.pairs.isEmpty && people.count == report.added)
    }

    @Test func aFileThatFailsAfterManyBatchesChangesNothing() throws {
        let register = try Register()
        var importer = ContactImporter()
        importer.recordsPerBatch = 5
        importer.pieceBytes = 64
        let bytes = Array((Self.file.csv + "late@example.vn,\"never closed\n").utf8)
        #expect { try importer.importBytes(bytes, fileName: "p.csv", into: register) } throws: { error in
            (error as? ContactImporter.Failure)?.message.description.contains("row 302") == true
        }
        #expect(try register.contacts(in: Segment("")).isEmpty, "the batches staged before the failure were rolled back")
    }

    /// 20 plain rows, then a name in Windows-1258 (a byte that is not UTF-8), in small pieces:
    /// the file is first read as UTF-8, piece by piece, until that byte.
    static let windows1258: [UInt8] = {
        var bytes = Array("email,name\r\n".utf8)
        for i in 1...20 { bytes += Array("p\(i)@example.vn,Plain \(i)\r\n".utf8) }
        return bytes + Array("lan@example.vn,Nguy".utf8) + [0xEA, 0xDE] + Array("n Thi".utf8) + [0xF2] + Array(" Lan\r\n".utf8)
    }()

    @Test func aFileThatTurnsOutNotToBeUTF8IsReadAgainAsWhatItIs() throws {
        let register = try Register()
        var importer = ContactImporter()
        importer.pieceBytes = 40
        importer.recordsPerBatch = 2
        let report = try importer.importBytes(Self.windows1258, fileName: "w.csv", into: register)
        #expect(report.encoding == "windows-1258")
        #expect(report.added == 21 && report.rowsRead == 21, "the rows read as UTF-8 first were rolled back, then added once")
        #expect(try register.contact(email: "lan@example.vn")?.name == "Nguyễn Thị Lan")
    }

    @Test func aFileAskedToBeUTF8ThatIsNotIsRefusedNamingTheLineAndChangesNothing() throws {
        let register = try Register()
        var importer = ContactImporter()
        importer.encoding = .utf8
        importer.pieceBytes = 40
        importer.recordsPerBatch = 2
        #expect { try importer.importBytes(Self.windows1258, fileName: "w.csv", into: register) } throws: { error in
            (error as? ContactImporter.Failure)?.message.description.contains("line 22") == true
        }
        #expect(try register.contacts(in: Segment("")).isEmpty)
    }

    @Test func theReaderIsNeverMoreThanTheRoomAhead() {
        let handover = BatchHandover<Int, Int>(capacity: 2)
        let handedOver = Count()
        Thread {
            for i in 1...500 where handover.put(i) { handedOver.add(1) }
            handover.finish(.success(500))
        }.start()
        var taken: [Int] = []
        var mostAhead = 0
        while case .batch(let n) = handover.take() {
            taken.append(n)
            mostAhead = max(mostAhead, handedOver.value - taken.count)
        }
        #expect(taken == Array(1...500), "every batch, in order")
        #expect(mostAhead <= 2, "the reader ran \(mostAhead) batches ahead")
    }

    @Test func aRegisterThatStopsTakingStopsTheReaderAndDropsItsOutcome() {
        let handover = BatchHandover<Int, Int>(capacity: 1)
        let handedOver = Count()
        let ended = DispatchSemaphore(value: 0)
        Thread {
            var refused = 0
            for i in 1...10_000 where !handover.put(i) { refused += 1 }
            handover.finish(refused > 0 ? .failure(CancellationError()) : .success(0))
            handedOver.add(10_000 - refused)
            ended.signal()
        }.start()
        for expected in 1...3 {
            guard case .batch(let n) = handover.take() else { Issue.record("ended early"); return }
            #expect(n == expected)
        }
        handover.stop()
        ended.wait()
        #expect(handedOver.value <= 3 + 2, "the reader stopped handing over once stopped")
    }
}

/// A count shared with the reader's thread.
private final class Count: Sendable {
    private let count = Atomic(0)
    func add(_ n: Int) { count.add(n, ordering: .sequentiallyConsistent) }
    var value: Int { count.load(ordering: .sequentiallyConsistent) }
}
