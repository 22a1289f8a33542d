/// Why bytes taken from the bounce mailbox could not be read as a message at all. Everything short of
/// that is read leniently and never throws.
public struct BounceParseError: Error, CustomStringConvertible, Equatable {
    /// The header or part the problem is in, e.g. "message header".
    public var location: String
    /// What is wrong there, quoting the offending bytes.
    public var problem: String

    /// Describes a problem found at `location`.
    public init(location: String, problem: String) {
        self.location = location
        self.problem = problem
    }

    /// "location: problem", for logs and for the person who looks at the mailbox.
    public var description: String { "\(location): \(problem)" }
}
