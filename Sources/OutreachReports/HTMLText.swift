import Foundation

/// Text put into HTML or SVG: `<`, `>`, `&` and quotes escaped, control characters dropped.
public func escapeHTML(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "&": out += "&amp;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            if scalar.properties.generalCategory == .control && scalar != "\n" { continue }
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}
