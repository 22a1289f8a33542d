import Foundation
import Testing

/// The command line as staff meet it: whole help texts, and fixed choices that argument-parser
/// checks before anything runs.
@Suite struct CommandLineTests {
    @Test func versionNamesTheProgramAndItsDatabaseSchema() throws {
        let w = try Workspace()
        let r = try w.outreach("--version")
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("outreach "), "\(r.stdout)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).count > "outreach ".count)
    }

    @Test func theImportHelpNamesEveryOptionAndItsChoices() throws {
        let r = try Workspace().run(outreachBinary, ["contacts", "import", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.trimmingCharacters(in: .newlines) == """
            OVERVIEW: Import contacts from a CSV file, a Google Contacts or Outlook export,
            or a vCard file (all or nothing).

            USAGE: outreach contacts import [--config <config>] [--database <database>] <file> [--source <source>] [--consent <consent>] [--encoding <encoding>] [--delimiter <delimiter>] [--map <map> ...] [--dry-run] [--rejects <rejects>] [--timing]

            ARGUMENTS:
              <file>                  The CSV or vCard (.vcf) file.

            OPTIONS:
              --config <config>       Configuration file (else $OUTREACH_CONFIG,
                                      /etc/outreach/outreach.yaml, Config/outreach.yaml).
              --database <database>   SQLite database file (wins over database.path).
              --source <source>       Names the file in the consent ledger (default: the
                                      file name); with --consent granted, the evidence.
              --consent <consent>     granted: everyone the file says nothing about
                                      consented (say how with --source). Default: as the
                                      file says, else pending. (values: granted, pending)
              --encoding <encoding>   The file's text encoding. (values: auto, utf-8,
                                      utf-16, windows-1258; default: auto)
              --delimiter <delimiter> The field separator (also written , or ;). (values:
                                      auto, comma, semicolon, tab; default: auto)
              --map <map>             HEADER=field for a column the importer does not
                                      recognise (field ignore drops it).
              --dry-run               Do everything but write.
              --rejects <rejects>     Write the rejected rows with their reasons to this
                                      CSV file.
              --timing                Print how long each step took (on standard error).
              --version               Show the version.
              -h, --help              Show help information.
            """)
    }

    @Test func theDaemonsHelpListsTheLogLevels() throws {
        let r = try Workspace().run(outreachBinary, ["serve", "--help"])
        #expect(r.stdout.trimmingCharacters(in: .newlines) == """
            OVERVIEW: Run the daemon: deliver what is queued, read the bounce mailbox and
            answer the links.

            USAGE: outreach serve [--config <config>] [--database <database>] [--log-level <log-level>]

            OPTIONS:
              --config <config>       Configuration file (else $OUTREACH_CONFIG,
                                      /etc/outreach/outreach.yaml, Config/outreach.yaml).
              --database <database>   SQLite database file (wins over database.path).
              --log-level <log-level> The least important messages to log. (values: trace,
                                      debug, info, notice, warning, error, critical;
                                      default: info)
              --version               Show the version.
              -h, --help              Show help information.
            """)
    }

    @Test func bouncesListSaysWhatItListsAndItsFormats() throws {
        let r = try Workspace().run(outreachBinary, ["bounces", "list", "--help"])
        #expect(r.stdout.trimmingCharacters(in: .newlines) == """
            OVERVIEW: List bounces, complaints and mailto unsubscribes, newest first.

            One line each: when it was recorded, the contact and campaign it is about, its
            kind (hard, soft, policy, complaint, auto-reply, unsubscribe, other, unmatched,
            unreadable), the status code, the remote server's words and what it changed.
            Refusals of a recipient while sending (source smtp) are listed with the
            mailbox's reports.

            USAGE: outreach bounces list [--config <config>] [--database <database>] [--format <format>] [--limit <limit>]

            OPTIONS:
              --config <config>       Configuration file (else $OUTREACH_CONFIG,
                                      /etc/outreach/outreach.yaml, Config/outreach.yaml).
              --database <database>   SQLite database file (wins over database.path).
              --format <format>       How to print them. (values: table, json; default:
                                      table)
              --limit <limit>         At most this many, newest first. (default: 1000)
              --version               Show the version.
              -h, --help              Show help information.
            """)
    }

    @Test func aChoiceThatIsNotOneIsRefusedNamingTheChoices() throws {
        let w = try Workspace()
        let file = try w.write("a.csv", "email\na@example.org\n")
        let encoding = try w.outreach("contacts", "import", file, "--encoding", "latin1")
        #expect(encoding.status != 0)
        #expect(encoding.stderr.contains("'auto', 'utf-8', 'utf-16' or 'windows-1258'"), "\(encoding.stderr)")
        let format = try w.outreach("contacts", "list", "--format", "xml")
        #expect(format.status != 0 && format.stderr.contains("'table', 'csv' or 'json'"), "\(format.stderr)")
        let level = try w.outreach("serve", "--log-level", "chatty")
        #expect(level.status != 0 && level.stderr.contains("'--log-level <log-level>'"), "\(level.stderr)")
        #expect(try w.listCSV().count == 1, "nothing was imported")
    }

    @Test func theDelimiterIsAcceptedByNameOrAsTheCharacter() throws {
        let w = try Workspace()
        let file = try w.write("s.csv", "email;name\na@example.org;An\n")
        for spelling in [";", "semicolon"] {
            let r = try w.outreach("contacts", "import", file, "--delimiter", spelling, "--dry-run")
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("delimiter ;"), "\(r.stdout)")
        }
    }

    @Test func aLaunchTimeThatIsNotOneIsRefusedBeforeTheRegisterIsOpened() throws {
        let w = try Workspace()
        let r = try w.outreach("campaign", "launch", "tet", "--at", "tomorrow")
        #expect(r.status != 0)
        #expect(r.stderr.contains("--at tomorrow is not an ISO 8601 time"))
        #expect(!FileManager.default.fileExists(atPath: w.database), "validate() ran before anything was opened")
    }
}
