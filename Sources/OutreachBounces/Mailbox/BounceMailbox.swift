/// The bounce mailbox as the IMAP server keeps it. One owner, used from one thread at a time.
public protocol BounceMailbox: AnyObject {
    /// Selects the folder; its UIDVALIDITY (changes when the server renumbers the folder) and how many messages it holds.
    func open() throws -> (uidValidity: UInt32, messages: Int)
    /// UIDs greater than `uid`, ascending (searched in bounded ranges, filtered on the client: `n:*` always includes the highest UID).
    func uids(after uid: UInt32) throws -> [UInt32]
    /// The raw bytes of message `uid` (UID FETCH … BODY[] through the URL `…/INBOX;UIDVALIDITY=v/;UID=n`); throws `.uidValidityChanged` on a mismatch.
    func fetch(uid: UInt32, uidValidity: UInt32) throws -> [UInt8]
    /// Marks messages `uids` handled, all in one command of each kind: moves them to `handledFolder` when one is configured (UID MOVE; fallback COPY + \Deleted + EXPUNGE if MOVE is not advertised), else sets \Deleted and expunges them (UID EXPUNGE when UIDPLUS is advertised, else EXPUNGE). On a maildir, one expunge of many costs about what one of one costs.
    func markHandled(uids: [UInt32]) throws
}
