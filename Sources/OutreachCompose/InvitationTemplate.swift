import Foundation
import Mustache
import OutreachModel
import Yams

/// The texts of one invitation template, all languages, as frozen into a campaign at creation.
public struct InvitationTemplate: Codable, Sendable, Equatable {
    /// What the template is for: only `consentRequest` may go to contacts whose consent is pending.
    public typealias Purpose = CampaignPurpose

    /// One language's texts, partials included.
    public struct Texts: Codable, Sendable, Equatable {
        public var subject: String
        public var html: String
        public var text: String
        public var headerHTML: String
        public var footerHTML: String
        public var headerText: String
        public var footerText: String
    }

    public var name: String
    public var defaultLanguage: String
    public var purpose: Purpose
    public var languages: [String: Texts]

    public struct Failure: StaffFacingError {
        public let message: StaffMessage
        public init(_ message: StaffMessage) { self.message = message }
    }

    /// Loads `Templates/<name>/` with the shared partials of `Templates/partials/`.
    public static func load(name: String, from root: String) throws -> InvitationTemplate {
        let folder = "\(root)/\(name)"
        let fm = FileManager.default
        guard !name.isEmpty, !name.contains("/"), name != "partials", name != "pages",
              fm.fileExists(atPath: "\(folder)/template.yaml") else {
            let known = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
                .filter { fm.fileExists(atPath: "\(root)/\($0)/template.yaml") }.sorted()
            throw Failure(StaffMessage("template.unknown", ["name": name, "root": root, "known": known.joined(separator: ", ")]))
        }
        struct Manifest: Decodable { var default_language: String; var purpose: String? }
        let manifest: Manifest
        do { manifest = try YAMLDecoder().decode(Manifest.self, from: try String(contentsOfFile: "\(folder)/template.yaml", encoding: .utf8)) } catch {
            throw Failure(StaffMessage("template.bad_manifest", ["file": "\(folder)/template.yaml", "error": "\(error)"]))
        }
        guard let purpose = Purpose(rawValue: manifest.purpose ?? "invitation") else {
            throw Failure(StaffMessage("template.bad_purpose", ["file": "\(folder)/template.yaml", "purpose": manifest.purpose!]))
        }
        var languages: [String: Texts] = [:]
        for lang in ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted() {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: "\(folder)/\(lang)", isDirectory: &isDir), isDir.boolValue else { continue }
            func read(_ path: String) throws -> String {
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw Failure(StaffMessage("template.missing_file", ["path": path])) }
                return text.precomposedStringWithCanonicalMapping
            }
            let partials = "\(root)/partials/\(lang)"
            languages[lang] = Texts(
                subject: try read("\(folder)/\(lang)/subject.mustache").trimmingCharacters(in: .whitespacesAndNewlines),
                html: try read("\(folder)/\(lang)/body.html.mustache"),
                text: try read("\(folder)/\(lang)/body.txt.mustache"),
                headerHTML: try read("\(partials)/header.html.mustache"),
                footerHTML: try read("\(partials)/footer.html.mustache"),
                headerText: try read("\(partials)/header.txt.mustache"),
                footerText: try read("\(partials)/footer.txt.mustache"))
        }
        guard languages[manifest.default_language] != nil else {
            throw Failure(StaffMessage("template.no_default_language", ["folder": folder, "language": manifest.default_language]))
        }
        let template = InvitationTemplate(name: name, defaultLanguage: manifest.default_language, purpose: purpose, languages: languages)
        _ = try template.compiled()
        return template
    }

    /// The language a contact gets: theirs, else Vietnamese for overseas Vietnamese and English
    /// for everyone else, else the template's default (see `Language.choose`).
    public func language(for contactLanguage: String?, kind: ContactKind) -> (language: String, isFallback: Bool) {
        Language.choose(contactLanguage: contactLanguage, kind: kind, available: { languages[$0] != nil },
                        defaultLanguage: defaultLanguage)
    }

    /// The template as a campaign keeps it frozen (JSON, keys sorted).
    public var snapshot: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }

    /// Parses every text once; renderers share the result.
    public func compiled() throws -> CompiledTemplate { try CompiledTemplate(self) }
}

extension InvitationTemplate {
    /// The template a campaign froze at its creation.
    public init(snapshot: String) throws {
        self = try JSONDecoder().decode(InvitationTemplate.self, from: Data(snapshot.utf8))
    }
}

/// An `InvitationTemplate` parsed into Mustache libraries, one per language.
public struct CompiledTemplate: Sendable {
    public let source: InvitationTemplate
    /// Per language: the HTML library (HTML partials) and the text library (subject, text partials).
    let libraries: [String: (html: MustacheLibrary, text: MustacheLibrary)]

    init(_ source: InvitationTemplate) throws {
        self.source = source
        var libraries: [String: (html: MustacheLibrary, text: MustacheLibrary)] = [:]
        for (lang, t) in source.languages {
            var html = MustacheLibrary()
            var text = MustacheLibrary()
            func add(_ body: String, _ name: String, to library: inout MustacheLibrary, escaped: Bool) throws {
                do {
                    let source = escaped ? HTMLEscaping.mustacheSource(body) : "{{%CONTENT_TYPE: TEXT}}" + body
                    library.register(try MustacheTemplate(string: source), named: name)
                } catch {
                    throw InvitationTemplate.Failure(StaffMessage("template.bad_part", ["template": source.name, "language": lang, "part": name, "error": "\(error)"]))
                }
            }
            try add(t.html, "body", to: &html, escaped: true)
            try add(t.headerHTML, "header", to: &html, escaped: true)
            try add(t.footerHTML, "footer", to: &html, escaped: true)
            try add(t.subject, "subject", to: &text, escaped: false)
            try add(t.text, "body", to: &text, escaped: false)
            try add(t.headerText, "header", to: &text, escaped: false)
            try add(t.footerText, "footer", to: &text, escaped: false)
            libraries[lang] = (html, text)
        }
        self.libraries = libraries
    }

    /// Subject, plain text and HTML for `context` in `language` (which must exist).
    public func render(_ context: [String: Any], language: String) -> (subject: String, text: String, html: String) {
        let library = libraries[language]!
        let subject = library.text.render(context, withTemplate: "subject") ?? ""
        let text = library.text.render(context, withTemplate: "body") ?? ""
        let html = library.html.render(context, withTemplate: "body") ?? ""
        return (subject, text, html)
    }
}
