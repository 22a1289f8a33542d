import ArgumentParser
import Foundation
import Synchronization
import OutreachModel
import OutreachRegister

/// What the shell completes for a campaign's slug or a template's name: the shell runs
/// `outreach ---completion …` with the words typed so far, and these list what the register and
/// the templates folder hold (the words' `--config`/`--database` are honoured). A completion
/// never creates a database and never fails: at worst it offers nothing.
extension CompletionKind {
    /// The campaigns in the register.
    static var campaignSlugs: CompletionKind {
        .custom { words, _, prefix in
            guard let settings = CompletionSettings.settings(words), FileManager.default.fileExists(atPath: settings.databasePath),
                  let register = try? Register(path: settings.databasePath, announce: { _ in }),
                  let campaigns = try? register.allCampaigns() else { return [] }
            return campaigns.map(\.slug).filter { $0.hasPrefix(prefix) }
        }
    }

    /// The templates a campaign can be made from (folders of `templates.path` with a `template.yaml`).
    static var templateNames: CompletionKind {
        .custom { words, _, prefix in
            guard let settings = CompletionSettings.settings(words),
                  let names = try? FileManager.default.contentsOfDirectory(atPath: settings.templatesPath) else { return [] }
            return names.filter { name in
                name.hasPrefix(prefix) && FileManager.default.fileExists(atPath: "\(settings.templatesPath)/\(name)/template.yaml")
            }.sorted()
        }
    }
}

/// The configuration a completion request names in its words.
enum CompletionSettings {
    /// The settings for the words typed (`--config PATH`, `--database PATH`), nil when they do not load.
    static func settings(_ words: [String]) -> Settings? {
        func value(_ name: String) -> String? {
            if let i = words.firstIndex(of: name), i + 1 < words.count { return unquoted(words[i + 1]) }
            return words.first { $0.hasPrefix(name + "=") }.map { unquoted(String($0.dropFirst(name.count + 1))) }
        }
        let config = value("--config"), database = value("--database")
        // The completion closure is synchronous; configuration loading is not.
        let loaded = Mutex<Settings?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let settings = try? await Settings.load(path: config)
            loaded.withLock { $0 = settings }
            done.signal()
        }
        done.wait()
        guard var settings = loaded.withLock({ $0 }) else { return nil }
        if let database { settings.databasePath = database }
        return settings
    }

    /// A shell word as typed, without the quotes around it (`'a b'` → `a b`).
    static func unquoted(_ word: String) -> String {
        guard word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first else { return word }
        return String(word.dropFirst().dropLast())
    }
}
