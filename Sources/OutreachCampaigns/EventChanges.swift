import OutreachCompose
import OutreachModel

/// What a change notice changes, in words for staff: `venue (vi, en): A → B`.
package struct EventDifference: Sendable, CustomStringConvertible {
    package let field: String
    /// The languages whose text changed (empty for the date and time, which have no language).
    package let languages: [String]
    package let old: String
    package let new: String
    package var description: String {
        "\(field)\(languages.isEmpty ? "" : " (\(languages.joined(separator: ", ")))"): \(old) → \(new)"
    }
}

/// The change between the event as recorded and the event file as it is now, found per language:
/// a text changed in any language is a change, and a language whose text was left as it was
/// takes the new value (from English, else the first language that changed), so that no
/// recipient is shown the old venue while others are shown the new one.
package struct EventChanges: Sendable {
    /// The new event, every language brought up to date.
    package let event: Event
    package let differences: [EventDifference]

    package init(from old: Event, to new: Event) {
        var event = new
        var differences: [EventDifference] = []
        let texts: [(String, WritableKeyPath<Event, [String: String]?>)] = [("title", \.optionalTitle), ("venue", \.optionalVenue),
                                                                           ("address", \.address)]
        for (field, path) in texts {
            let before = old[keyPath: path] ?? [:], after = new[keyPath: path] ?? [:]
            let languages = Set(before.keys).union(after.keys)
            let changed = Event.writtenLanguages.filter { languages.contains($0) && before[$0] != after[$0] }
                + languages.subtracting(Event.writtenLanguages).sorted().filter { before[$0] != after[$0] }
            guard let source = changed.contains("en") ? "en" : changed.first else { continue }
            var updated = after
            for language in languages where !changed.contains(language) { updated[language] = after[source] }
            event[keyPath: path] = updated
            differences.append(EventDifference(field: field, languages: changed, old: before[source] ?? "", new: after[source] ?? ""))
        }
        // Shown to staff: the date and time as written in their language.
        let shown = StaffText.language.rawValue
        let timesBefore = EventFields.fields(old, language: shown), timesAfter = EventFields.fields(new, language: shown)
        for field in ["date", "time"] where timesBefore[field] != timesAfter[field] {
            differences.append(EventDifference(field: field, languages: [], old: timesBefore[field] ?? "", new: timesAfter[field] ?? ""))
        }
        self.event = event
        self.differences = differences
    }
}

extension Event {
    /// The title and venue as optional maps, so every text field is compared alike.
    fileprivate var optionalTitle: [String: String]? {
        get { title }
        set { title = newValue ?? [:] }
    }
    fileprivate var optionalVenue: [String: String]? {
        get { venue }
        set { venue = newValue ?? [:] }
    }
}
