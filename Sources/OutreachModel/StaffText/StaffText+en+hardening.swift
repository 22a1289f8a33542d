extension StaffText {
    /// The English words of issue 22's hardening: the lock around migrations and the import's
    /// bounds. Keep the keys in the same order as in the other language.
    static let enHardening: [String: String] = [
        "register.cannot_lock": "cannot open the lock file {path} next to the database: {reason}",
        "register.lock_timeout": "waited {seconds} s for another outreach command to finish opening or migrating {path}; it still holds {lock}: let it finish, or stop it and run the command again",
        "import.line_too_long": "a line of the file is longer than {megabytes} MB: is it a contact file?",
    ]
}
