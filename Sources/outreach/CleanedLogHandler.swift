import Logging
import OutreachModel

/// A log handler that hands every message and metadata value through `OutsideText.cleaned`
/// first: log lines quote strangers (reports, relay replies, names), and `serve` and `bounces
/// poll` print them on a staff terminal.
struct CleanedLogHandler<Inner: LogHandler>: LogHandler {
    var inner: Inner

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(OutsideText.cleaned(event.message.description))"
        event.metadata = event.metadata.map(Self.cleaned)
        inner.log(event: event)
    }

    static func cleaned(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues(cleaned)
    }

    static func cleaned(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(OutsideText.cleaned(text))
        case .stringConvertible(let thing): .string(OutsideText.cleaned(thing.description))
        case .array(let values): .array(values.map(cleaned))
        case .dictionary(let values): .dictionary(cleaned(values))
        }
    }
}
