import Foundation
import Yams

/// A kind of event people can choose to hear about (`topics` in the configuration): a short name
/// used in event files, segments and forms, and its title in each language. Someone who chose no
/// topic hears about everything; someone who chose some hears only about those.
public struct Topic: Sendable, Equatable, Codable {
    public let name: String
    public let titles: [String: String]

    public init(name: String, titles: [String: String]) {
        self.name = name
        self.titles = titles
    }

    /// The title in `language`, else in English, else the name.
    public func title(_ language: String) -> String { titles[language] ?? titles["en"] ?? name }

    /// Whether `name` can be a topic's name: lower-case letters, digits and `-`, 1 to 32 of them.
    public static func isValidName(_ name: String) -> Bool {
        (1...32).contains(name.count) && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    /// The topics shipped in `Config/outreach.yaml`, also the default without a configuration file.
    public static let shipped: [Topic] = [
        Topic(name: "tet", titles: [
            "vi": "Tết Nguyên đán", "en": "Lunar New Year (Tết)", "fr": "Nouvel An lunaire (Têt)",
            "ko": "뗏(음력 설)", "ja": "テト（旧正月）", "zh": "春节（越南新年）"]),
        Topic(name: "culture", titles: [
            "vi": "Văn hóa, lễ hội", "en": "Culture and festivals", "fr": "Culture et festivals",
            "ko": "문화·축제", "ja": "文化・祭り", "zh": "文化与节庆"]),
        Topic(name: "trade", titles: [
            "vi": "Thương mại, đầu tư", "en": "Trade and investment", "fr": "Commerce et investissement",
            "ko": "무역·투자", "ja": "貿易・投資", "zh": "贸易与投资"]),
        Topic(name: "tourism", titles: [
            "vi": "Du lịch", "en": "Tourism", "fr": "Tourisme",
            "ko": "관광", "ja": "観光", "zh": "旅游"]),
    ]

    /// The `topics` map of a configuration file (`name: {vi: …, en: …}`), nil when the file has
    /// none. `file` names the file in errors.
    public static func fromConfiguration(_ text: String, file: String) throws(Settings.Failure) -> [Topic]? {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch { return nil }  // the configuration reader reports bad YAML
        guard let entry = node?.mapping?["topics"] else { return nil }
        guard let mapping = entry.mapping else { throw Settings.Failure(key: "topics", problem: StaffMessage("config.topics_not_map")) }
        var topics: [Topic] = []
        for (key, value) in mapping {
            guard let name = key.string, isValidName(name) else {
                throw Settings.Failure(key: "topics", problem: StaffMessage("config.topic_bad_name", ["name": key.string ?? "?"]))
            }
            guard let titles = value.mapping, !titles.isEmpty else {
                throw Settings.Failure(key: "topics.\(name)", problem: StaffMessage("config.topic_needs_titles"))
            }
            var byLanguage: [String: String] = [:]
            for (lang, title) in titles {
                guard let l = lang.string, let t = title.string, !t.isEmpty else {
                    throw Settings.Failure(key: "topics.\(name)", problem: StaffMessage("config.topic_empty_title"))
                }
                byLanguage[l] = t.precomposedStringWithCanonicalMapping
            }
            guard byLanguage["vi"] != nil, byLanguage["en"] != nil else {
                throw Settings.Failure(key: "topics.\(name)", problem: StaffMessage("config.topic_needs_vi_en"))
            }
            topics.append(Topic(name: name, titles: byLanguage))
        }
        return topics
    }
}

/// A day a pause lasts until (`YYYY-MM-DD`), checked. The pause holds through the whole of that
/// day where the person is (their browser's time zone, when the page was told it), else in the
/// office's (`office.time_zone`): "until the 10th" in Cần Thơ still holds at 23:59 there, when it
/// is the 10th in UTC for 17 hours already.
public enum PauseDate {
    /// The moment the pause until `day` ends: the start of the next day in `zone` (nil: not a date).
    public static func end(of day: String, in zone: TimeZone) -> Date? {
        guard let day = parse(day) else { return nil }
        let parts = day.split(separator: "-").compactMap { Int($0) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: start)
    }

    /// The day as written when it is a real `YYYY-MM-DD` date, else nil.
    public static func parse(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (2000...2200).contains(y), (1...12).contains(m), d >= 1 else { return nil }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return d <= days[m - 1] ? t : nil
    }
}
