import ArgumentParser
import Foundation
import OutreachImport
import OutreachModel
import OutreachRegister

/// `outreach contacts …`: the register of people.
struct Contacts: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "contacts",
        abstract: StaffText.say("help.contacts.abstract"),
        subcommands: [Import.self, List.self, Show.self, Add.self, Edit.self, Export.self, Unsubscribe.self, Forget.self]
    ) }

    /// How a listing is printed.
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    /// The field separator of a contact file.
    enum Delimiter: String, ExpressibleByArgument, CaseIterable {
        case auto, comma, semicolon, tab
        init?(argument: String) {
            switch argument {
            case ",": self = .comma
            case ";": self = .semicolon
            case "\t": self = .tab
            default: self.init(rawValue: argument)
            }
        }
        /// nil: sniffed from the header line.
        var byte: UInt8? {
            switch self { case .auto: nil; case .comma: 0x2C; case .semicolon: 0x3B; case .tab: 0x09 }
        }
    }

    struct Import: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(
            commandName: "import",
            abstract: StaffText.say("help.contacts.import.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.import.file")) var file: String
        @Option(help: staffHelp("help.contacts.import.source")) var source: String?
        @Option(help: staffHelp("help.contacts.import.consent"))
        var consent: ConsentChoice?
        @Option(help: staffHelp("help.contacts.import.encoding")) var encoding: TextEncoding = .auto
        @Option(help: staffHelp("help.contacts.import.delimiter")) var delimiter: Delimiter = .auto
        @Option(name: .customLong("map"), help: staffHelp("help.contacts.import.maps"))
        var maps: [String] = []
        @Flag(help: staffHelp("help.contacts.import.dry_run")) var dryRun = false
        @Option(help: staffHelp("help.contacts.import.rejects")) var rejects: String?
        @Flag(help: staffHelp("help.contacts.import.timing")) var timing = false

        /// What `--consent` may say.
        enum ConsentChoice: String, ExpressibleByArgument, CaseIterable { case granted, pending }

        func validate() throws {
            if consent == .granted && (source?.trimmingCharacters(in: .whitespaces) ?? "").isEmpty {
                throw ValidationError(StaffText.say("import.consent_needs_source"))
            }
        }

        func run() async throws {
            let (_, register) = try await global.register()
            var importer = ContactImporter()
            importer.encoding = encoding
            importer.delimiter = delimiter.byte
            importer.mapping = maps
            importer.dryRun = dryRun
            importer.source = source
            importer.consentGranted = consent == .granted
            let bar = ProgressBar(label: StaffText.say("import.progress"))
            importer.progress = { done, total in if total >= 5000 { bar.update(done, of: total) } }
            let report = try importer.importFile(at: file, into: register)
            bar.finish()
            let unit = report.recordName
            for r in report.rejections.prefix(50) { printError(StaffText.say("import.record_" + unit, ["n": r.row, "text": r.reason])) }
            if report.rejections.count > 50 { printError(StaffText.say("import.more_rejected_" + unit, ["n": report.rejections.count - 50])) }
            for w in report.warnings.prefix(20) { printError(StaffText.say("import.warning_" + unit, ["n": w.row, "text": w.message])) }
            if report.warnings.count > 20 { printError(StaffText.say("import.more_warnings", ["n": report.warnings.count - 20])) }
            if let rejects { try writeRejects(report, to: rejects) }
            if timing {
                for phase in report.phases {
                    printError("  " + phase.name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%7.3f s", phase.seconds))
                }
            }
            print(ImportSummaryText(report: report, consentGranted: consent == .granted).lines.joined(separator: "\n"))
        }

        /// UTF-8 with BOM so Excel opens it with the right characters; 0600, it holds personal data.
        func writeRejects(_ report: ImportReport, to path: String) throws {
            var text = "\u{FEFF}\(report.recordName),reason,fields\r\n"
            for r in report.rejections {
                text += "\(r.row),\(csvField(r.reason)),\(csvField(r.fields.joined(separator: " | ")))\r\n"
            }
            try PrivateFile.write(Array(text.utf8), to: path)
        }
    }

    struct List: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: StaffText.say("help.contacts.list.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Option(help: staffHelp("help.contacts.list.segment")) var segment: String = ""
        @Option(help: staffHelp("help.contacts.list.format")) var format: Format = .table

        func run() async throws {
            let segment = try Segment(self.segment)
            let (_, register) = try await global.register()
            let rows = try register.contacts(in: segment)
            let header = ["email", "name", "kind", "country", "city", "language", "organization", "tags", "consent", "suppressed"]
            let cells = rows.map { r in
                [r.contact.email, r.contact.name, r.contact.kind.rawValue, r.contact.country ?? "", r.contact.city ?? "",
                 r.contact.language ?? "", r.contact.organization ?? "", r.contact.tagList.joined(separator: "|"), r.consent,
                 r.suppressed ? "yes" : "no"]
            }
            switch format {
            case .table:
                // The file formats keep the field names and values; the table is read by staff.
                print(table(header.map { StaffText.say("contacts.column." + $0) }, cells.map { row in
                    row.enumerated().map { i, cell in
                        i == 8 && StaffText.table(.en)["consent." + cell] != nil ? StaffText.say("consent." + cell)
                            : i == 9 ? StaffText.say("contacts." + cell) : cell
                    }
                }))
                print(StaffText.say("contacts.count", ["n": rows.count]))
            case .csv:
                // UTF-8 with BOM, so Excel reads the names right.
                print("\u{FEFF}" + header.joined(separator: ","))
                for row in cells { print(row.map(csvField).joined(separator: ",")) }
            case .json:
                struct Item: Encodable {
                    let email, name, kind: String; let country, city, language, organization: String?
                    let tags: [String]; let consent: String; let suppressed: Bool
                }
                print(try jsonText(rows.map { r in
                    Item(email: r.contact.email, name: r.contact.name, kind: r.contact.kind.rawValue, country: r.contact.country,
                         city: r.contact.city, language: r.contact.language, organization: r.contact.organization,
                         tags: r.contact.tagList, consent: r.consent, suppressed: r.suppressed)
                }))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "show", abstract: StaffText.say("help.contacts.show.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.email")) var email: String
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: staffHelp("help.contacts.show.format")) var format: Format = .table

        /// A label of the table, padded to the others' width.
        func label(_ key: String) -> String {
            let text = StaffText.say(key)
            let width = DisplayWidth.of(text)
            return width >= 12 ? text : text + String(repeating: " ", count: 12 - width)
        }

        func run() async throws {
            let (settings, register) = try await global.register()
            let p = try register.profile(email: email)
            let clock = settings.officeClock
            if format == .json { print(try jsonText(p)); return }
            let suppressed = p.suppressed ? "   " + StaffText.say("contacts.show.suppressed", ["reason": p.suppressionReason ?? ""]) : ""
            /// A ledger status in the staff's words (granted, pending, withdrawn).
            func word(_ status: String) -> String {
                StaffText.table(.en)["consent." + status] != nil ? StaffText.say("consent." + status) : status
            }
            print(OutsideText.cleaned(p.name.isEmpty ? p.email : "\(p.name) <\(p.email)>"))
            for (name, value) in [
                (label("contacts.show.kind"), p.kind),
                (label("contacts.show.country"), p.country ?? "-"),
                (label("contacts.show.city"), p.city ?? "-"),
                (label("contacts.show.language"), p.language ?? "-"),
                (label("contacts.show.organization"), p.organization ?? "-"),
                (label("contacts.show.tags"), p.tags.joined(separator: ", ")),
                (label("contacts.show.topics"), p.topics.isEmpty ? StaffText.say("contacts.show.all_topics") : p.topics.joined(separator: ", ")),
                (label("contacts.show.paused_until"), p.pausedUntil ?? "-"),
                (label("contacts.show.consent"), word(p.consent) + suppressed),
            ] { print(OutsideText.cleaned("  \(name) \(value)")) }
            print(StaffText.say("contacts.show.history"))
            for h in p.history { print(OutsideText.cleaned("  \(Timestamp.date(h.recordedAt).map(clock.show) ?? h.recordedAt)  \(word(h.status))  \(h.source)  \(h.evidence ?? "")  (\(h.actor))")) }
        }
    }

    struct Export: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "export", abstract: StaffText.say("help.contacts.export.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.email")) var email: String
        func run() async throws {
            let (_, register) = try await global.register()
            print(try jsonText(try register.profile(email: email, full: true)))
        }
    }

    struct Unsubscribe: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "unsubscribe", abstract: StaffText.say("help.contacts.unsubscribe.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.email")) var email: String
        @Option(help: staffHelp("help.contacts.unsubscribe.evidence")) var evidence: String?
        func run() async throws {
            let (_, register) = try await global.register()
            let changed = try register.unsubscribe(email: email, source: "staff", evidence: evidence, actor: ConsentLedger.staffActor,
                                                  reason: .staff)
            print(StaffText.say(changed ? "contacts.unsubscribed" : "contacts.already_unsubscribed", ["email": email]))
        }
    }

    struct Forget: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "forget", abstract: StaffText.say("help.contacts.forget.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.email")) var email: String
        func run() async throws {
            let (_, register) = try await global.register()
            try register.forget(email: email, actor: ConsentLedger.staffActor)
            print(StaffText.say("contacts.forgotten", ["email": email]))
        }
    }
}

extension TextEncoding: ExpressibleByArgument {}
