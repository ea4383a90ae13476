/// One self-contained HTML page: inline CSS and SVG charts, no scripts, no network,
/// readable when printed.
enum HTMLRenderer {
    static func render(_ report: Report) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(report.title))</title>
            <style>
            body { font-family: Arial, Helvetica, sans-serif; color: #0b0c0c; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
            h1 { font-size: 2rem; margin-bottom: 0.2rem; }
            h2 { font-size: 1.4rem; margin-top: 2.5rem; border-top: 2px solid #1d70b8; padding-top: 0.6rem; }
            .subtitle, .question, figcaption { color: #505a5f; }
            .headlines { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1.5rem 0; padding: 0; list-style: none; }
            .headlines li { border-left: 5px solid #1d70b8; padding: 0.3rem 0.8rem; min-width: 9rem; }
            .headlines .value { display: block; font-size: 1.8rem; font-weight: bold; }
            table { border-collapse: collapse; margin: 1rem 0; min-width: 50%; }
            th, td { border-bottom: 1px solid #b1b4b6; padding: 0.3rem 0.8rem 0.3rem 0; text-align: left; vertical-align: top; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            figure { margin: 1rem 0; }
            svg text { font-family: Arial, Helvetica, sans-serif; font-size: 12px; fill: #0b0c0c; }
            .note { font-size: 0.9rem; color: #505a5f; }
            @media print { body { margin: 0; max-width: none; } h2 { break-before: auto; } section { break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>\(escape(report.title))</h1>
            <p class="subtitle">\(escape(report.subtitle))\(report.made.map { "<br>Made \(escape($0))" } ?? "")</p>

            """
        if !report.headlines.isEmpty {
            html += "<ul class=\"headlines\">\n"
            for headline in report.headlines {
                html += "<li><span class=\"value\">\(escape(headline.value.shown))</span>\(escape(headline.label))</li>\n"
            }
            html += "</ul>\n"
        }
        for section in report.sections {
            html += "<section id=\"\(escape(section.table.id))\">\n<h2>\(escape(section.title))</h2>\n"
            html += "<p class=\"question\">\(escape(section.question))</p>\n"
            if let chart = section.chart {
                if chart.points.contains(where: { $0.values.contains { $0 > 0 } }) {
                    html += "<figure>\n\(SVGChart.render(chart))\n<figcaption>\(escape(chart.caption))</figcaption>\n</figure>\n"
                } else if !section.table.rows.isEmpty {
                    html += "<p class=\"note\">Nothing to chart: every count is zero.</p>\n"
                }
            }
            html += table(section.table)
            html += "</section>\n"
        }
        if report.hasSuppressed {
            html += "<p class=\"note\">Counts marked \"c\" are below the publication threshold and are suppressed.</p>\n"
        }
        html += """
            <p class="note">This report holds counts only: no names, dates of birth, national insurance numbers, emails or TRNs.\(report.made.map { " Made \(escape($0))." } ?? "")</p>
            </body>
            </html>

            """
        return html
    }

    static func table(_ table: Report.Table) -> String {
        guard !table.rows.isEmpty else { return "<p class=\"note\">Nothing to show yet.</p>\n" }
        let numeric = table.columns.indices.map { column in
            table.rows.allSatisfy { row in
                switch row[column] {
                case .count, .number, .percent, .suppressed, .none: true
                case .text: false
                }
            }
        }
        var html = "<table>\n<thead><tr>"
        for (index, column) in table.columns.enumerated() {
            html += "<th scope=\"col\"\(numeric[index] ? " class=\"n\"" : "")>\(escape(column))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                html += "<td\(numeric[index] ? " class=\"n\"" : "")>\(escape(cell.shown))</td>"
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Bar and column charts as inline SVG, with labelled axes and a legend for several series.
enum SVGChart {
    static let colours = ["#1d70b8", "#f47738", "#4c2c92", "#b58840", "#28a197", "#912b88"]

    /// A series' colour: the same meaning, the same colour on every chart (passed and
    /// accepted green, failed and rejected red, released grey, claimed and open blue);
    /// other series take the palette in turn.
    static func colour(_ series: String, _ index: Int) -> String {
        let name = series.lowercased()
        if ["accepted", "passed", "passes", "pass"].contains(name) { return "#00703c" }
        if ["rejected", "failed", "fails", "fail"].contains(name) { return "#d4351c" }
        if ["released", "releases", "release"].contains(name) { return "#6f777b" }
        if ["open", "claims", "claimed"].contains(name) { return "#1d70b8" }
        return colours[(index + 1) % colours.count]
    }

    /// A count axis: a whole step of 1, 2 or 5 times a power of ten, and the top tick a
    /// whole number of steps, so that every tick is a whole count.
    static func countAxis(_ value: Double) -> (maximum: Double, step: Double) {
        guard value > 0 else { return (1, 1) }
        let rough = value / 4
        var step = 1.0
        while step * 10 <= rough { step *= 10 }
        for multiple in [1.0, 2.0, 5.0, 10.0] where step * multiple >= rough {
            step *= multiple
            break
        }
        return ((value / step).rounded(.up) * step, step)
    }

    static func render(_ chart: Report.Chart) -> String {
        switch chart.style {
        case .horizontalBars: bars(chart)
        case .columns: columns(chart)
        }
    }

    static func label(_ value: Double) -> String {
        value == value.rounded() ? Report.Cell.grouped(Int(value)) : Report.Cell.format(value, 1)
    }

    static func bars(_ chart: Report.Chart) -> String {
        let series = max(1, chart.series.count)
        let barHeight = 16.0, gap = 10.0, left = 240.0, width = 680.0, plot = width - left - 60
        let rowHeight = barHeight * Double(series) + gap
        let top = chart.series.count > 1 ? 30.0 : 10.0
        let height = top + rowHeight * Double(chart.points.count) + 40
        let maximum = countAxis(chart.points.flatMap(\.values).max() ?? 0).maximum
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" aria-label=\"\(HTMLRenderer.escape(chart.caption))\">\n"
        svg += legend(chart, x: left)
        for (row, point) in chart.points.enumerated() {
            let y = top + Double(row) * rowHeight
            svg += "<text x=\"\(Int(left - 8))\" y=\"\(Int(y + barHeight * Double(series) / 2 + 4))\" text-anchor=\"end\">\(HTMLRenderer.escape(String(point.label.prefix(36))))</text>\n"
            for (index, value) in point.values.enumerated() {
                let length = plot * value / maximum
                let barY = y + Double(index) * barHeight
                svg += "<rect x=\"\(Int(left))\" y=\"\(Int(barY))\" width=\"\(Report.Cell.format(length, 1))\" height=\"\(Int(barHeight - 2))\" fill=\"\(colour(chart.series[safe: index] ?? "", index))\"/>\n"
                svg += "<text x=\"\(Int(left + length + 4))\" y=\"\(Int(barY + barHeight - 5))\">\(label(value))</text>\n"
            }
        }
        let axisY = top + rowHeight * Double(chart.points.count)
        svg += "<line x1=\"\(Int(left))\" y1=\"\(Int(axisY))\" x2=\"\(Int(left + plot))\" y2=\"\(Int(axisY))\" stroke=\"#505a5f\"/>\n"
        svg += "<text x=\"\(Int(left))\" y=\"\(Int(axisY + 14))\">0</text>\n"
        svg += "<text x=\"\(Int(left + plot))\" y=\"\(Int(axisY + 14))\" text-anchor=\"end\">\(label(maximum))</text>\n"
        svg += "<text x=\"\(Int(left + plot / 2))\" y=\"\(Int(axisY + 32))\" text-anchor=\"middle\">\(HTMLRenderer.escape(chart.valueLabel))</text>\n"
        return svg + "</svg>"
    }

    static func columns(_ chart: Report.Chart) -> String {
        let series = max(1, chart.series.count)
        let left = 84.0, plotHeight = 220.0, top = chart.series.count > 1 ? 34.0 : 14.0, labelRoom = 90.0
        let slot = max(28.0, Double(series) * 14.0 + 10)
        let width = max(360.0, left + slot * Double(chart.points.count) + 20)
        let height = top + plotHeight + labelRoom
        let (maximum, step) = countAxis(chart.points.flatMap(\.values).max() ?? 0)
        let ticks = Int((maximum / step).rounded())
        let barWidth = (slot - 8) / Double(series)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" aria-label=\"\(HTMLRenderer.escape(chart.caption))\">\n"
        svg += legend(chart, x: left)
        let baseY = top + plotHeight
        for tick in 0...ticks {
            let value = step * Double(tick)
            let y = baseY - plotHeight * value / maximum
            svg += "<line x1=\"\(Int(left))\" y1=\"\(Int(y))\" x2=\"\(Int(width - 10))\" y2=\"\(Int(y))\" stroke=\"#dddddd\"/>\n"
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(Int(y + 4))\" text-anchor=\"end\">\(label(value))</text>\n"
        }
        for (column, point) in chart.points.enumerated() {
            let x = left + Double(column) * slot + 4
            for (index, value) in point.values.enumerated() {
                let h = plotHeight * value / maximum
                svg += "<rect x=\"\(Report.Cell.format(x + Double(index) * barWidth, 1))\" y=\"\(Report.Cell.format(baseY - h, 1))\" width=\"\(Report.Cell.format(barWidth - 1, 1))\" height=\"\(Report.Cell.format(h, 1))\" fill=\"\(colour(chart.series[safe: index] ?? "", index))\"><title>\(HTMLRenderer.escape(point.label)): \(label(value))</title></rect>\n"
            }
            svg += "<text x=\"\(Int(x + slot / 2 - 4))\" y=\"\(Int(baseY + 14))\" text-anchor=\"end\" transform=\"rotate(-40 \(Int(x + slot / 2 - 4)) \(Int(baseY + 14)))\">\(HTMLRenderer.escape(String(point.label.prefix(16))))</text>\n"
        }
        svg += "<line x1=\"\(Int(left))\" y1=\"\(Int(baseY))\" x2=\"\(Int(width - 10))\" y2=\"\(Int(baseY))\" stroke=\"#505a5f\"/>\n"
        svg += "<text x=\"14\" y=\"\(Int(top + plotHeight / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 14 \(Int(top + plotHeight / 2)))\">\(HTMLRenderer.escape(chart.valueLabel))</text>\n"
        svg += "<text x=\"\(Int((left + width) / 2))\" y=\"\(Int(height - 4))\" text-anchor=\"middle\">\(HTMLRenderer.escape(chart.categoryLabel))</text>\n"
        return svg + "</svg>"
    }

    static func legend(_ chart: Report.Chart, x: Double) -> String {
        guard chart.series.count > 1 else { return "" }
        var svg = ""
        var offset = x
        for (index, name) in chart.series.enumerated() {
            svg += "<rect x=\"\(Int(offset))\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(colour(name, index))\"/>"
            svg += "<text x=\"\(Int(offset + 16))\" y=\"14\">\(HTMLRenderer.escape(name))</text>\n"
            offset += 24 + Double(name.count) * 7
        }
        return svg
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
