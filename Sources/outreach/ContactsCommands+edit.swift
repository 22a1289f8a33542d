import ArgumentParser
import Foundation
import OutreachImport
import OutreachModel
import OutreachRegister

/// The fields `contacts add` and `contacts edit` take, checked as an import checks them.
struct ContactFieldOptions: ParsableArguments {
    @Option(help: staffHelp("help.contacts.fields.name")) var name: String?
    @Option(name: .customLong("addressed-as"), help: staffHelp("help.contacts.fields.addressed_as")) var addressedAs: String?
    @Option(help: staffHelp("help.contacts.fields.honorific")) var honorific: String?
    @Option(help: staffHelp("help.contacts.fields.language")) var language: String?
    @Option(help: staffHelp("help.contacts.fields.kind")) var kind: String?
    @Option(help: staffHelp("help.contacts.fields.country")) var country: String?
    @Option(help: staffHelp("help.contacts.fields.city")) var city: String?

    /// The fields as the register takes them; a value that is not one is a validation error naming its option.
    func fields() throws -> ContactFields {
        var f = ContactFields()
        func line(_ text: String?) -> String? { text.map { ImportedContact.oneLine($0) }.flatMap { $0.isEmpty ? nil : $0 } }
        f.name = line(name); f.addressedAs = line(addressedAs); f.honorific = line(honorific); f.city = line(city)
        if let language {
            guard let tag = Language.tag(language) else { throw ValidationError(StaffText.say("contacts.bad_language", ["text": language])) }
            f.language = tag
        }
        if let kind {
            guard let k = ImportedContact.kindNamed(kind) else {
                throw ValidationError(StaffText.say("contacts.bad_kind", ["text": kind, "kinds": ContactKind.allCases.map(\.rawValue).joined(separator: ", ")]))
            }
            f.kind = k
        }
        if let country {
            guard let code = ImportedContact.countryCode(country) else { throw ValidationError(StaffText.say("contacts.bad_country", ["text": country])) }
            f.country = code
        }
        return f
    }
}

/// An address given on the command line, or a validation error naming the option.
func commandLineAddress(_ text: String, option: String) throws -> EmailAddress {
    do { return try EmailAddress(text) } catch { throw ValidationError(StaffText.say("contacts.bad_address", ["option": option, "text": text, "problem": error])) }
}

extension Contacts {
    struct Add: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "add", abstract: StaffText.say("help.contacts.add.abstract"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.add.email")) var email: String
        @OptionGroup var fields: ContactFieldOptions
        @Option(name: .customLong("tag"), help: staffHelp("help.contacts.add.tag")) var tags: [String] = []
        @Option(help: staffHelp("help.contacts.add.consent")) var consent: Import.ConsentChoice?
        @Option(help: staffHelp("help.contacts.add.source")) var source: String?

        func validate() throws {
            if consent == .granted && (source?.trimmingCharacters(in: .whitespaces) ?? "").isEmpty {
                throw ValidationError(StaffText.say("contacts.consent_needs_source"))
            }
        }

        func run() async throws {
            let address = try commandLineAddress(email, option: "EMAIL")
            var f = try fields.fields()
            f.addedTags = tags.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            let (_, register) = try await global.register()
            try register.addContact(address, fields: f, consentSource: consent == .granted ? source : nil, actor: ConsentLedger.staffActor)
            print(StaffText.say(consent == .granted ? "contacts.added_granted" : "contacts.added_pending", ["email": address.value]))
        }
    }

    struct Edit: AsyncParsableCommand {
        static var configuration: CommandConfiguration {
            CommandConfiguration(commandName: "edit", abstract: StaffText.say("help.contacts.edit.abstract"))
        }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.contacts.edit.email")) var email: String
        @Option(name: .customLong("email"), help: staffHelp("help.contacts.edit.new_email")) var newEmail: String?
        @OptionGroup var fields: ContactFieldOptions
        @Option(name: .customLong("tag"), parsing: .unconditionalSingleValue, help: staffHelp("help.contacts.edit.tag")) var tags: [String] = []

        func validate() throws {
            for t in tags where !(t.hasPrefix("+") || t.hasPrefix("-")) || t.count < 2 {
                throw ValidationError(StaffText.say("contacts.bad_tag_change", ["text": t]))
            }
        }

        /// A change as the register records it (`field: old → new`, English field names) with the
        /// field named in the staff's language.
        static func said(_ change: String) -> String {
            guard let colon = change.firstIndex(of: ":") else { return change }
            let field = String(change[..<colon])
            guard StaffText.table(.en)["contacts.field." + field] != nil else { return change }
            return StaffText.say("contacts.field." + field) + change[colon...]
        }

        func run() async throws {
            let address = try commandLineAddress(email, option: "EMAIL")
            let newAddress = try newEmail.map { try commandLineAddress($0, option: "--email") }
            var f = try fields.fields()
            f.addedTags = tags.filter { $0.hasPrefix("+") }.map { $0.dropFirst().trimmingCharacters(in: .whitespaces).lowercased() }
            f.removedTags = tags.filter { $0.hasPrefix("-") }.map { $0.dropFirst().trimmingCharacters(in: .whitespaces).lowercased() }
            let (_, register) = try await global.register()
            let changes = try register.editContact(address, fields: f, newAddress: newAddress, actor: ConsentLedger.staffActor)
            if changes.isEmpty { print(StaffText.say("contacts.unchanged", ["email": address.value])); return }
            print(StaffText.say("contacts.edited", ["email": newAddress?.value ?? address.value]))
            for change in changes { print("  " + Self.said(change)) }
        }
    }
}
