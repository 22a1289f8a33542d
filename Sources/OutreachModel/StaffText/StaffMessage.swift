/// One message to staff: a catalog key and its arguments, said in the staff's language when it
/// is shown (so an error thrown before `ui.language` is known still reads right). An argument
/// that is itself a message (or a staff-facing error) is said in the same language.
public struct StaffMessage: Sendable, Equatable, CustomStringConvertible {
    public let key: String
    public let arguments: [String: Argument]

    /// One value for a `{name}` place: plain text, or a message of its own.
    public indirect enum Argument: Sendable, Equatable {
        case text(String)
        case message(StaffMessage)
    }

    /// The message `key` of the catalog, with `arguments` for its `{name}` places.
    public init(_ key: String, _ arguments: KeyValuePairs<String, any Sendable> = [:]) {
        self.key = key
        var values: [String: Argument] = [:]
        for (name, value) in arguments {
            switch value {
            case let message as StaffMessage: values[name] = .message(message)
            case let error as any StaffFacingError: values[name] = .message(error.message)
            default: values[name] = .text("\(value)")
            }
        }
        self.arguments = values
    }

    /// The text in `language`.
    public func text(in language: StaffLanguage) -> String {
        guard let template = StaffText.table(language)[key] ?? StaffText.table(.en)[key] else { return "[\(key)]" }
        return StaffText.fill(template, arguments.mapValues { argument in
            switch argument {
            case .text(let text): text
            case .message(let message): message.text(in: language)
            }
        })
    }

    /// The text in the staff's language.
    public var description: String { text(in: StaffText.language) }
}

/// An error staff read: its words come from the catalog (`StaffText`), in either language.
/// Every error type of the program conforms (`StaffTextTests` checks the sources).
public protocol StaffFacingError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, as a catalog message.
    var message: StaffMessage { get }
}

extension StaffFacingError {
    /// The message in the staff's language.
    public var description: String { message.description }
}
