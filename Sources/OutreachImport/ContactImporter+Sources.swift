import OutreachModel
import OutreachRegister
/// Where contacts come from besides a plain CSV file: the exports of Google Contacts and Outlook,
/// recognized by their headers, and vCard files, recognized by their content. Each becomes records
/// under one header, validated and written exactly as the rows of a CSV file are.
extension ContactImporter {
    /// The records of a decoded file and their header; the records already refused (vCards that
    /// cannot be read, cards without an address) come apart.
    func records(_ text: String, report: inout ImportReport) throws
        -> (header: [String], records: ArraySlice<CSVReader.Record>, refused: [ContactRow.Rejection]) {
        if VCardReader.isVCard(text) { return try cards(text, report: &report) }
        let delimiter = self.delimiter ?? CSVReader.sniffDelimiter(text)
        report.delimiter = delimiter == 0x09 ? "tab" : String(UnicodeScalar(delimiter))
        let records: [CSVReader.Record]
        do { records = try CSVReader(delimiter: delimiter).records(text) } catch { throw Failure.unparsable(error) }
        let header = records[0].fields
        guard let export = KnownExport(headers: header), !export.isOverridden(by: mapping) else {
            return (header, records.dropFirst(), [])
        }
        report.format = export.format.rawValue
        let readings = SourceContact.Readings()
        var converted: [CSVReader.Record] = []
        converted.reserveCapacity(records.count - 1)
        for record in records.dropFirst() {
            let extra = export.otherColumns.map { $0 < record.fields.count ? record.fields[$0] : "" }
            let (row, several) = export.contact(record.fields).record(row: record.row, extra: extra, readings: readings)
            if several { report.moreThanOneAddress += 1 }
            converted.append(row)
        }
        return (SourceContact.header + export.otherHeaders, converted[...], [])
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
