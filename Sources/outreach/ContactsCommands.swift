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
        subcommands: [Import.self, List.self, Show.self, Export.self, Unsubscribe.self, Forget.self]
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
                throw ValidationError("--consent granted needs --source \"…\" saying how these people consented (the ledger's evidence)")
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
            let bar = ProgressBar(label: "Importing")
            importer.progress = { done, total in if total >= 5000 { bar.update(done, of: total) } }
            let report = try importer.importFile(at: file, into: register)
            bar.finish()
            let unit = report.recordName
            for r in report.rejections.prefix(50) { printError("\(unit) \(r.row): \(r.reason)") }
            if report.rejections.count > 50 { printError("… and \(report.rejections.count - 50) more rejected \(unit)s (see --rejects)") }
            for w in report.warnings.prefix(20) { printError("\(unit) \(w.row): warning: \(w.message)") }
            if report.warnings.count > 20 { printError("… and \(report.warnings.count - 20) more warnings") }
            if let rejects { try writeRejects(report, to: rejects) }
            if timing {
                for phase in report.phases {
                    printError("  " + phase.name.padding(toLength: 28, withPad: " ", startingAt: 0) + String(format: "%7.3f s", phase.seconds))
                }
            }
            let read = [report.format, report.encoding, report.delimiter.isEmpty ? nil : "delimiter \(report.delimiter)"].compactMap { $0 }
            print("""
                \(report.dryRun ? "Dry run (nothing written): " : "")\(report.fileName) (\(read.joined(separator: ", ")))
                  \((unit + "s read").padding(toLength: 25, withPad: " ", startingAt: 0))\(report.rowsRead)
                  added                    \(report.added)
                  updated                  \(report.updated)
                  unchanged                \(report.unchanged)
                  duplicates               \(report.duplicates)
                  rejected                 \(report.rejected)
                  suppressed, not changed  \(report.suppressed)
                """)
            if report.moreThanOneAddress > 0 {
                print("  more than one address    \(report.moreThanOneAddress) (the first is the contact's; the others are kept as \"other emails\")")
            }
            if report.format != nil && consent != .granted {
                print("  consent                  pending for everyone new: the file says nothing about consent (ask with the consent request, or give --consent granted --source \"…\")")
            }
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
                print(table(header, cells))
                print("\(rows.count) contact\(rows.count == 1 ? "" : "s")")
            case .csv:
                print(header.joined(separator: ","))
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
        @Argument var email: String
        enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }
        @Option(help: staffHelp("help.contacts.show.format")) var format: Format = .table

        func run() async throws {
            let (_, register) = try await global.register()
            let p = try register.profile(email: email)
            if format == .json { print(try jsonText(p)); return }
            print("""
                \(p.name.isEmpty ? p.email : "\(p.name) <\(p.email)>")
                  kind         \(p.kind)
                  country      \(p.country ?? "-")   city \(p.city ?? "-")   language \(p.language ?? "-")
                  organization \(p.organization ?? "-")
                  tags         \(p.tags.joined(separator: ", "))
                  consent      \(p.consent)\(p.suppressed ? "   SUPPRESSED (\(p.suppressionReason ?? ""))" : "")
                history:
                """)
            for h in p.history { print("  \(h.recordedAt)  \(h.status)  \(h.source)  \(h.evidence ?? "")  (\(h.actor))") }
        }
    }

    struct Export: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "export", abstract: StaffText.say("help.contacts.export.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        func run() async throws {
            let (_, register) = try await global.register()
            print(try jsonText(try register.profile(email: email, full: true)))
        }
    }

    struct Unsubscribe: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "unsubscribe", abstract: StaffText.say("help.contacts.unsubscribe.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        @Option(help: staffHelp("help.contacts.unsubscribe.evidence")) var evidence: String?
        func run() async throws {
            let (_, register) = try await global.register()
            let changed = try register.unsubscribe(email: email, source: "staff", evidence: evidence, actor: ConsentLedger.staffActor,
                                                  reason: .staff)
            print(changed ? "\(email): unsubscribed and suppressed" : "\(email): was already unsubscribed")
        }
    }

    struct Forget: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(commandName: "forget", abstract: StaffText.say("help.contacts.forget.abstract")) }
        @OptionGroup var global: GlobalOptions
        @Argument var email: String
        func run() async throws {
            let (_, register) = try await global.register()
            try register.forget(email: email, actor: ConsentLedger.staffActor)
            print("\(email): erased; only a hash of the address is kept on the suppression list")
        }
    }
}

extension TextEncoding: ExpressibleByArgument {}
