import Foundation
import Mustache
import OutreachCore

/// The pages behind the links, one Mustache library per language (`Templates/pages/<lang>/`).
public struct PageRenderer: Sendable {
    let libraries: [String: MustacheLibrary]
    public var languages: [String] { libraries.keys.sorted() }

    public enum Page: String, Sendable, CaseIterable {
        case unsubscribe, unsubscribed, confirm, confirmed, confirmRefused = "confirm-refused"
        case rsvp, rsvpRecorded = "rsvp-recorded", rsvpClosed = "rsvp-closed", notFound = "not-found"
    }

    public init(root: String) throws {
        var libraries: [String: MustacheLibrary] = [:]
        let fm = FileManager.default
        for lang in (try fm.contentsOfDirectory(atPath: root)).sorted() {
            let folder = "\(root)/\(lang)"
            guard fm.fileExists(atPath: "\(folder)/layout.html.mustache") else { continue }
            var library = MustacheLibrary()
            for page in ["layout"] + Page.allCases.map(\.rawValue) {
                let path = "\(folder)/\(page).html.mustache"
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw InvitationTemplate.Failure(description: "missing page \(path)")
                }
                library.register(try MustacheTemplate(string: text.precomposedStringWithCanonicalMapping), named: page)
            }
            libraries[lang] = library
        }
        guard libraries["en"] != nil else { throw InvitationTemplate.Failure(description: "\(root) has no en pages") }
        self.libraries = libraries
    }

    /// The language to answer in: the first of `preferences` we have pages for, else English.
    public func language(_ preferences: [String?]) -> String {
        for case let p? in preferences {
            if libraries[p] != nil { return p }
            let primary = String(p.split(separator: "-").first ?? "").lowercased()
            if libraries[primary] != nil { return primary }
        }
        return "en"
    }

    public func render(_ page: Page, language: String, context: [String: Any]) -> String {
        var context = context
        context["lang"] = language
        return libraries[language]?.render(context, withTemplate: page.rawValue) ?? ""
    }
}
