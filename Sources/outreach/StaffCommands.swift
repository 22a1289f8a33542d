import ArgumentParser
import Foundation
import OutreachModel
import OutreachWeb

/// `outreach staff …`: access to the staff listener (`staff.bind`).
struct StaffCommand: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(
        commandName: "staff",
        abstract: StaffText.say("help.staffcommand.abstract"),
        subcommands: [Password.self]
    ) }

    struct Password: AsyncParsableCommand {
        static var configuration: CommandConfiguration { CommandConfiguration(
            commandName: "password",
            abstract: StaffText.say("help.staffcommand.password.abstract"),
            discussion: StaffText.say("help.staffcommand.password.discussion")
        ) }
        @OptionGroup var global: GlobalOptions
        @Argument(help: staffHelp("help.staffcommand.password.file")) var file: String

        func run() async throws {
            guard let password = readLine(strippingNewline: true), password.count >= 8 else {
                throw ValidationError(StaffText.say("staff.password_too_short"))
            }
            let line = StaffAccess.passwordFileLine(for: password) + "\n"
            guard FileManager.default.createFile(atPath: file, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError(StaffText.say("staff.cannot_write", ["file": file]))
            }
            printError(StaffText.say("staff.password_written", ["file": file]))
        }
    }
}
