import Crypto
import OutreachModel
import OutreachRegister
/// Where contacts come from besides a plain CSV file: the exports of Google Contacts and Outlook,
/// recognized by their headers, and vCard files, recognized by their content. Each becomes records
/// under one header, validated and written exactly as the rows of a CSV file are.
extension ContactImporter {
    /// Hands `body` the records of a decoded file under their header, a batch at a time (all at
    /// once for a vCard file), and returns the records already refused (vCards that cannot be
    /// read, cards without an address).
    /// A CSV file is read a piece of text at a time; a vCard file (recognized by its first piece)
    /// is read whole: its cards are small and such files are too.
    func records(_ file: ContactFile, _ reading: ContactFile.Reading, hashing hasher: inout SHA256?, report: inout ImportReport,
                 _ body: (_ header: [String], _ records: ArraySlice<CSVReader.Record>) throws -> Void) throws -> [ContactRow.Rejection] {
        var csv: CSVReader.Pieces?
        var vcard: String?
        var delimiter: UInt8 = 0x2C
        var header: [String]?
        var export: KnownExport?
        var failure: (any Error)?
        var moreThanOneAddress = 0
        let readings = SourceContact.Readings()
        func handle(_ batch: [CSVReader.Record]) {
                guard failure == nil, !batch.isEmpty else { return }
                var records = batch[...]
                if header == nil {
                    header = batch[0].fields
                    records = records.dropFirst()
                    if let known = KnownExport(headers: batch[0].fields), !known.isOverridden(by: mapping) { export = known }
                }
                do {
                    guard let export else { return try body(header!, records) }
                    var converted: [CSVReader.Record] = []
                    converted.reserveCapacity(records.count)
                    for record in records {
                        let extra = export.otherColumns.map { $0 < record.fields.count ? record.fields[$0] : "" }
                        let (row, several) = export.contact(record.fields).record(row: record.row, extra: extra, readings: readings)
                        if several { moreThanOneAddress += 1 }
                        converted.append(row)
                    }
                    try body(SourceContact.header + export.otherHeaders, converted[...])
                } catch { failure = error }
        }
        do {
            try file.text(reading, hashing: &hasher) { text in
                if csv == nil && vcard == nil {
                    if VCardReader.isVCard(text) { vcard = "" } else {
                        delimiter = self.delimiter ?? CSVReader.sniffDelimiter(text)
                        csv = CSVReader.Pieces(reader: CSVReader(delimiter: delimiter))
                    }
                }
                if vcard != nil { vcard! += text; return }
                try csv!.read(text, final: false, batch: recordsPerBatch, handle)
                if let failure { throw failure }
            }
            if vcard == nil {
                var last = csv ?? CSVReader.Pieces(reader: CSVReader(delimiter: delimiter))
                try last.read("", final: true, batch: recordsPerBatch, handle)
            }
        } catch let error as CSVReader.Failure { throw Failure.unparsable(error) }
        catch let error as TextDecoder.Failure { throw Failure.undecodable(error) }
        if let failure { throw failure }
        if let vcard {
            let (header, records, refused) = try cards(vcard, report: &report)
            try body(header, records)
            return refused
        }
        report.delimiter = delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter))
        if let export { report.format = export.format.rawValue }
        report.moreThanOneAddress += moreThanOneAddress
        return []
    }

    /// The cards of a vCard file as records.
    private func cards(_ text: String, report: inout ImportReport) throws
        -> (header: [String], records: ArraySlice<CSVReader.Record>, refused: [ContactRow.Rejection]) {
        let cards: VCardReader.Cards
        do { cards = try VCardReader().cards(text) } catch { throw Failure.unparsable(error) }
        report.recordName = "card"
        report.delimiter = ""
        report.format = "vCard" + (cards.versions.isEmpty ? "" : " " + cards.versions.sorted().joined(separator: ", "))
        let readings = SourceContact.Readings()
        var records: [CSVReader.Record] = []
        records.reserveCapacity(cards.contacts.count)
        for (number, contact) in cards.contacts {
            let (record, several) = contact.record(row: number, readings: readings)
            if several { report.moreThanOneAddress += 1 }
            records.append(record)
        }
        return (SourceContact.header, records[...], cards.rejections)
    }

    /// `--consent granted`: every row the file says nothing about consented, the `--source` text
    /// being the evidence (a row's own evidence column wins).
    func grantConsent(_ rows: inout [ContactRow]) {
        for i in rows.indices where !rows[i].consentStated {
            rows[i].consentGiven = true
            rows[i].evidence = rows[i].evidence ?? source
        }
    }
}
