import Foundation
import OutreachModel
import Mustache
import OutreachCompose

/// The pages behind the links: one layout, and one Mustache library per language (`Templates/pages/<lang>/`).
public struct PageRenderer: Sendable {
    let libraries: [String: MustacheLibrary]

    public enum Page: String, Sendable, CaseIterable {
        case unsubscribe, unsubscribed, confirm, confirmed, confirmRefused = "confirm-refused", confirmExpired = "confirm-expired"
        case rsvp, rsvpRecorded = "rsvp-recorded", rsvpClosed = "rsvp-closed", notFound = "not-found"
        case rsvpCancelled = "rsvp-cancelled"
        /// Sign-up (`/join`), the "check your mail" answer, the preference page and "email me my link".
        case join, checkMail = "check-mail", preferences, preferenceLink = "preference-link"
        /// Taking a seat offered from the waitlist (`/s/{token}`).
        case seat
    }

    /// Loads `root/layout.html.mustache` (one layout for every language) and each language's
    /// folder `root/<lang>/`: its pages and its `site-name` (the department's name in that language).
    public init(root: String) throws {
        var libraries: [String: MustacheLibrary] = [:]
        let fm = FileManager.default
        func template(_ path: String) throws -> MustacheTemplate {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw InvitationTemplate.Failure(StaffMessage("template.missing_page", ["path": path]))
            }
            return try MustacheTemplate(string: HTMLEscaping.mustacheSource(text.precomposedStringWithCanonicalMapping))
        }
        let layout = try template("\(root)/layout.html.mustache")
        for lang in (try fm.contentsOfDirectory(atPath: root)).sorted() {
            let folder = "\(root)/\(lang)"
            guard fm.fileExists(atPath: "\(folder)/site-name.html.mustache") else { continue }
            var library = MustacheLibrary()
            library.register(layout, named: "layout")
            for page in ["site-name", "seat-status"] + Page.allCases.map(\.rawValue) {
                library.register(try template("\(folder)/\(page).html.mustache"), named: page)
            }
            libraries[lang] = library
        }
        guard libraries["en"] != nil else { throw InvitationTemplate.Failure(StaffMessage("template.no_english_pages", ["root": root])) }
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
