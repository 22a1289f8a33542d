import OutreachModel

/// What staff read about the bounce mailbox's messages (issue 22, point 6), in both languages.
enum MailboxTexts {
    /// A message the server would not hand over, recorded `unreadable` and passed.
    static func cannotBeFetched(attempts: Int, error: String) -> StaffText {
        StaffText(en: "cannot be fetched (\(attempts) attempts): \(error)",
                  vi: "không tải được thư (\(attempts) lần thử): \(error)")
    }
}
