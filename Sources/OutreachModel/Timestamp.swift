import Foundation

/// Timestamps as the register writes them: ISO 8601, UTC, milliseconds.
public enum Timestamp {
    public static func string(_ date: Date = Date()) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
    /// The moment a register timestamp names (nil for text that is not one).
    public static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
    public static func milliseconds(_ date: Date = Date()) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}

/// A moment broken down in UTC by the C library (no Foundation calendar on the per-message path),
/// with its fields as two-digit text.
package struct UTCTime {
    package let fields: tm

    package init(_ date: Date) {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&t, &fields)
        self.fields = fields
    }

    /// `7` → `07`.
    package static func two<N: BinaryInteger>(_ v: N) -> String { v < 10 ? "0\(v)" : "\(v)" }
    package var year: String { "\(fields.tm_year + 1900)" }
    package var month: String { UTCTime.two(fields.tm_mon + 1) }
    package var day: String { UTCTime.two(fields.tm_mday) }
    package var hour: String { UTCTime.two(fields.tm_hour) }
    package var minute: String { UTCTime.two(fields.tm_min) }
    package var second: String { UTCTime.two(fields.tm_sec) }
}
