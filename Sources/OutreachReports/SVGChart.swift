import Foundation

/// A small chart drawn as inline SVG, with its numbers in a table under it (for screen readers,
/// and to copy into a spreadsheet). Bars (one series), stacked bars (several series per
/// category) or lines over time (several series).
public struct SVGChart: Sendable {
    public enum Style: Sendable { case bars, stackedBars, line }

    /// One named row of numbers, one per category.
    public struct Series: Sendable {
        public let name: String
        public let values: [Int]
        public init(_ name: String, _ values: [Int]) { self.name = name; self.values = values }
    }

    public let style: Style
    public let title: String
    /// What the categories are (the table's first column heading): "Hour", "Language"…
    public let categoryHeading: String
    public let categories: [String]
    public let series: [Series]

    public init(_ style: Style, title: String, categoryHeading: String, categories: [String], series: [Series]) {
        self.style = style
        self.title = title
        self.categoryHeading = categoryHeading
        self.categories = categories
        self.series = series
    }

    /// Colours of the series in order: dark enough for white text beside them and told apart
    /// without colour too (the legend and the table name them).
    static let palette = ["#1d4f91", "#b34700", "#2e7d32", "#6a1b9a", "#8d6e00", "#00695c", "#ad1457", "#455a64"]
    static let width = 640.0, height = 260.0, left = 48.0, bottom = 56.0, top = 28.0, right = 12.0

    /// The chart and its table in a `<figure>`; `id` makes the SVG title's id unique in the page.
    public func html(id: String) -> String {
        "<figure class=\"chart\"><figcaption>\(escapeHTML(title))</figcaption>\n\(svg(id: id))\n\(table())</figure>\n"
    }

    func svg(id: String) -> String {
        let w = Self.width, h = Self.height
        let plotW = w - Self.left - Self.right, plotH = h - Self.top - Self.bottom
        let stacks = categories.indices.map { i in series.map { $0.values.indices.contains(i) ? $0.values[i] : 0 } }
        let highest = max(1, style == .stackedBars ? stacks.map { $0.reduce(0, +) }.max() ?? 1 : series.flatMap(\.values).max() ?? 1)
        func y(_ v: Int) -> Double { Self.top + plotH - plotH * Double(v) / Double(highest) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\" aria-labelledby=\"\(id)-t\" class=\"chart-svg\">"
        out += "<title id=\"\(id)-t\">\(escapeHTML(title))</title>"
        // The axis and the top value.
        out += line(Self.left, y(0), w - Self.right, y(0), "#333")
        out += text(Self.left - 4, y(highest) + 4, "\(highest)", anchor: "end") + text(Self.left - 4, y(0) + 4, "0", anchor: "end")
        let n = max(1, categories.count)
        let slot = plotW / Double(n)
        let every = max(1, Int((Double(n) / 12).rounded(.up)))
        for (i, label) in categories.enumerated() where i % every == 0 {
            out += text(Self.left + slot * (Double(i) + 0.5), h - Self.bottom + 16, String(label.prefix(14)), anchor: "middle")
        }
        switch style {
        case .bars, .stackedBars:
            let barW = max(1, slot * 0.7)
            for (i, stack) in stacks.enumerated() {
                var base = 0
                let x = Self.left + slot * Double(i) + (slot - barW) / 2
                for (s, v) in stack.enumerated() where v > 0 {
                    out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y(base + v)))\" width=\"\(fmt(barW))\" height=\"\(fmt(y(base) - y(base + v)))\" fill=\"\(Self.palette[s % Self.palette.count])\"/>"
                    base += v
                }
                if base > 0 && n <= 24 { out += text(x + barW / 2, y(base) - 4, "\(base)", anchor: "middle") }
            }
        case .line:
            for (s, one) in series.enumerated() {
                let points = one.values.enumerated().map { "\(fmt(Self.left + slot * (Double($0.offset) + 0.5))),\(fmt(y($0.element)))" }
                out += "<polyline fill=\"none\" stroke=\"\(Self.palette[s % Self.palette.count])\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>"
            }
        }
        // The legend, when there is more than one series.
        if series.count > 1 {
            var x = Self.left
            for (s, one) in series.enumerated() {
                out += "<rect x=\"\(fmt(x))\" y=\"\(fmt(h - 22))\" width=\"10\" height=\"10\" fill=\"\(Self.palette[s % Self.palette.count])\"/>"
                out += text(x + 14, h - 13, one.name, anchor: "start")
                x += 22 + Double(min(one.name.count, 18)) * 7
            }
        }
        return out + "</svg>"
    }

    func table() -> String {
        var out = "<table class=\"data\"><thead><tr><th scope=\"col\">\(escapeHTML(categoryHeading))</th>"
        for one in series { out += "<th scope=\"col\">\(escapeHTML(one.name))</th>" }
        out += "</tr></thead><tbody>"
        for (i, label) in categories.enumerated() {
            out += "<tr><th scope=\"row\">\(escapeHTML(label))</th>"
            for one in series { out += "<td>\(one.values.indices.contains(i) ? one.values[i] : 0)</td>" }
            out += "</tr>"
        }
        return out + "</tbody></table>"
    }

    private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }
    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ colour: String) -> String {
        "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(y1))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(y2))\" stroke=\"\(colour)\"/>"
    }
    private func text(_ x: Double, _ y: Double, _ s: String, anchor: String) -> String {
        "<text x=\"\(fmt(x))\" y=\"\(fmt(y))\" font-size=\"11\" fill=\"#222\" text-anchor=\"\(anchor)\">\(escapeHTML(s))</text>"
    }
}
