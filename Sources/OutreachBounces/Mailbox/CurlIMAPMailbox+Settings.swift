import OutreachModel

extension CurlIMAPMailbox {
    /// The bounce mailbox of this installation: `bounces.mailbox_url`, its login, and
    /// `smtp.ca_file` and `smtp.timeout` as for the relays.
    public convenience init(settings: Settings) throws {
        guard let url = settings.bouncesMailboxURL else {
            throw Settings.Failure(key: "bounces.mailbox_url", problem: StaffMessage("config.no_mailbox"))
        }
        try self.init(url: url, username: settings.bouncesUsername, password: settings.bouncesPassword, caFile: settings.smtpCAFile,
                      timeout: settings.smtpTimeout, handledFolder: settings.bouncesHandledFolder)
    }
}
