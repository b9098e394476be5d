import Foundation

/// Charts drawn by the server as inline SVG (no script, no external asset), with every text escaped.
enum ConsoleSVG {
    /// Escapes `&`, `<`, `>`, `"` and `'` for HTML and SVG text and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let palette = ["#0550ae", "#116329", "#7d4e00", "#8250df", "#a40e26", "#1b7c83", "#953800", "#57606a"]

    /// A horizontal stacked bar per cluster: each criterion's contribution to the total (0–100).
    static func barChart(_ detail: AppDetail) -> String {
        guard !detail.candidates.isEmpty else { return "" }
        let rowHeight = 22
        let labelWidth = 160
        let barWidth = 420
        let width = labelWidth + barWidth + 60
        // The legend wraps onto as many rows as it needs.
        var legend: [(x: Int, row: Int)] = []
        var cursor = 0
        var legendRows = 1
        for plugin in detail.criteria {
            let step = 14 + plugin.count * 7 + 12
            if cursor > 0 && cursor + step > width {
                cursor = 0
                legendRows += 1
            }
            legend.append((cursor, legendRows - 1))
            cursor += step
        }
        let height = rowHeight * detail.candidates.count + 18 * legendRows + 12
        var svg = """
            <figure data-testid="score-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" \
            aria-labelledby="chart-title" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)"><title id="chart-title">Score of each feasible \
            cluster for \(escape(detail.name)), by criterion</title>
            """
        for (row, candidate) in detail.candidates.enumerated() {
            let y = row * rowHeight + 4
            svg += "<text x=\"0\" y=\"\(y + 14)\" font-size=\"13\">\(escape(candidate.cluster))</text>"
            var x = Double(labelWidth)
            for (index, cell) in candidate.cells.enumerated() {
                let width = max(0, cell.contributionValue) / 100 * Double(barWidth)
                svg += """
                    <rect x="\(ConsoleFormat.number(x))" y="\(y)" width="\(ConsoleFormat.number(width))" \
                    height="\(rowHeight - 6)" fill="\(palette[index % palette.count])"><title>\(escape(cell.plugin)): \
                    \(escape(cell.contribution))</title></rect>
                    """
                x += width
            }
            svg +=
                "<text x=\"\(ConsoleFormat.number(x + 4))\" y=\"\(y + 14)\" font-size=\"12\">\(escape(candidate.total))</text>"
        }
        for (index, plugin) in detail.criteria.enumerated() {
            let (legendX, row) = legend[index]
            let legendY = rowHeight * detail.candidates.count + 20 + 18 * row
            svg += """
                <rect x="\(legendX)" y="\(legendY - 10)" width="10" height="10" \
                fill="\(palette[index % palette.count])"/><text x="\(legendX + 14)" y="\(legendY)" \
                font-size="11">\(escape(plugin))</text>
                """
        }
        svg += "</svg><figcaption>Contribution of each criterion to the total score (0–100).</figcaption></figure>"
        return svg
    }

    /// A sparkline of `values` against `capacity` (CPU cores used over time), oldest left.
    static func sparkline(_ values: [Double], capacity: Double, label: String) -> String {
        guard values.count > 1 else { return "<span data-testid=\"sparkline\">no history</span>" }
        let width = 240.0
        let height = 40.0
        let top = max(capacity, values.max() ?? 0, 0.001)
        let step = width / Double(values.count - 1)
        let points = values.enumerated().map { index, value in
            "\(ConsoleFormat.number(Double(index) * step)),\(ConsoleFormat.number(height - value / top * height))"
        }.joined(separator: " ")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="\(escape(label))" \
            data-testid="sparkline" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))"><polyline fill="none" stroke="#0550ae" stroke-width="1.5" \
            points="\(points)"/></svg>
            """
    }

    /// A unified diff as HTML, added and removed lines marked.
    static func diff(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let escaped = escape(String(line))
            if line.hasPrefix("+") && !line.hasPrefix("+++") { return "<span class=\"add\">\(escaped)</span>" }
            if line.hasPrefix("-") && !line.hasPrefix("---") { return "<span class=\"del\">\(escaped)</span>" }
            return escaped
        }.joined(separator: "\n")
    }
}
