import Testing
@testable import Reports

@Suite("Report pages that read right")
struct HTMLRendererTests {
    func report(_ sections: [Report.Section], headlines: [Report.Headline] = []) -> Report {
        var report = Report(title: "T", subtitle: "S", headlines: headlines, sections: sections)
        report.made = "2026-11-26T01:55:00Z"
        return report
    }

    func section(_ id: String, series: [String], points: [(String, [Double])], style: Report.Chart.Style = .columns) -> Report.Section {
        .init(title: id, question: "?",
              chart: .init(style: style, categoryLabel: "c", valueLabel: "v", caption: "caption", series: series,
                           points: points.map { (label: $0.0, values: $0.1) }),
              table: .init(id: id, columns: ["c"] + series, rows: points.map { [.text($0.0)] + $0.1.map { .count(Int($0)) } }))
    }

    @Test("an outcome keeps its colour on every chart: passed green, failed red, released grey, open blue")
    func semanticColours() {
        let html = HTMLRenderer.render(report([
            section("a", series: ["open", "passed", "failed", "released"], points: [("x", [1, 2, 3, 4])], style: .horizontalBars),
            section("b", series: ["Claims", "Releases", "Passes", "Fails"], points: [("y", [4, 3, 2, 1])]),
            section("c", series: ["accepted", "rejected"], points: [("z", [5, 6])]),
        ]))
        #expect(SVGChart.colour("passed", 1) == SVGChart.colour("Passes", 2))
        #expect(SVGChart.colour("failed", 2) == SVGChart.colour("rejected", 1))
        #expect(SVGChart.colour("released", 3) == SVGChart.colour("Releases", 1))
        #expect(SVGChart.colour("open", 0) == SVGChart.colour("Claims", 0))
        #expect(SVGChart.colour("passed", 0) == "#00703c" && SVGChart.colour("failed", 0) == "#d4351c")
        #expect(html.contains("fill=\"#00703c\"") && html.contains("fill=\"#d4351c\""))
    }

    @Test("count axes have whole ticks only", arguments: [1.0, 3, 7, 12.5, 99, 1_234, 987_654])
    func wholeTicks(_ maximum: Double) {
        let (top, step) = SVGChart.countAxis(maximum)
        #expect(step >= 1 && step == step.rounded())
        #expect(top >= maximum && top == top.rounded() && (top / step).rounded() == top / step)
        #expect(top / step <= 5)
    }

    @Test("big numbers have thousands separators on the page, not in the CSV")
    func separators() {
        #expect(Report.Cell.count(1_234_567).shown == "1,234,567")
        #expect(Report.Cell.count(1_234_567).text == "1234567")
        #expect(Report.Cell.count(999).shown == "999")
        let html = HTMLRenderer.render(report([section("a", series: ["rows"], points: [("x", [12_345])])],
                                              headlines: [.init("rows", "rows", .count(45_678))]))
        #expect(html.contains(">12,345<") && html.contains(">45,678<"))
    }

    @Test("the suppression note shows only when something is suppressed; the page says when it was made")
    func notes() {
        let plain = HTMLRenderer.render(report([section("a", series: ["rows"], points: [("x", [12])])]))
        #expect(!plain.contains("are suppressed"))
        #expect(plain.contains("Made 2026-11-26T01:55:00Z"))
        let suppressed = HTMLRenderer.render(report([section("a", series: ["rows"], points: [("x", [2])])]).suppressing(below: 5))
        #expect(suppressed.contains("are suppressed"))
    }

    @Test("a chart whose every count is zero says so instead of drawing an empty axis")
    func emptyChart() {
        let html = HTMLRenderer.render(report([section("a", series: ["rows"], points: [("2026-01", [0]), ("2026-02", [0])])]))
        #expect(!html.contains("<svg"))
        #expect(html.contains("Nothing to chart"))
    }
}
