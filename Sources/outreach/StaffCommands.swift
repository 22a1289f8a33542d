import ArgumentParser
import Foundation
import OutreachWeb

/// `outreach staff …`: access to the staff listener (`staff.bind`).
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Access to the staff pages.",
        subcommands: [Password.self]
    )

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "password",
            abstract: "Write the bcrypt hash of a staff password (read from standard input) to FILE, mode 0600.",
            discussion: "Then set staff.password_file: FILE. The staff pages ask for it (any user name)."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The new password file (never overwritten).") var file: String

        func run() async throws {
            guard let password = readLine(strippingNewline: true), password.count >= 8 else {
                throw ValidationError("give a password of at least 8 characters on standard input")
            }
            let line = StaffAccess.passwordFileLine(for: password) + "\n"
            guard FileManager.default.createFile(atPath: file, contents: Data(line.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationError("cannot write \(file)")
            }
            printError("Wrote \(file) (mode 0600). Set staff.password_file: \(file).")
        }
    }
}
