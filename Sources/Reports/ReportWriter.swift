import Domain
import Parsers

/// Writes a report's files into a folder: `report.html`, `summary.json` and one CSV per
/// table, each atomically.
public enum ReportWriter {
    public static func write(_ report: Report, to folder: String) throws(SystemError) {
        try Directories.create(folder)
        try put(HTMLRenderer.render(report), folder + "/report.html")
        try put(JSONValueRenderer.summary(report), folder + "/summary.json")
        for section in report.sections {
            // A byte order mark first: without one, Excel on Windows reads UTF-8 as ANSI.
            var csv = CSVFormatting.byteOrderMark + CSVFormatting.line(section.table.columns, neutralise: true)
            for row in section.table.rows { csv += CSVFormatting.line(row.map(\.text), neutralise: true) }
            try put(csv, folder + "/" + section.table.id + ".csv")
        }
    }

    private static func put(_ text: String, _ path: String) throws(SystemError) {
        let file = try AtomicFile(path: path)
        try file.write(text)
        try file.commit()
    }
}

/// `summary.json`: the headlines and every table, with a schema version.
enum JSONValueRenderer {
    static func summary(_ report: Report) -> String {
        func value(_ cell: Report.Cell) -> JSONValue {
            switch cell {
            case .text(let s): .string(s)
            case .count(let n): .number(String(n))
            case .number(let x, let decimals): .number(Report.Cell.format(x, decimals))
            case .percent(let x): .number(Report.Cell.format(x, 4))
            case .suppressed: .string("c")
            case .none: .null
            }
        }
        let document: JSONValue = .object([
            ("schemaVersion", .number("1")),
            ("title", .string(report.title)),
            ("subtitle", .string(report.subtitle)),
            ("headlines", .object(report.headlines.map { ($0.key, value($0.value)) })),
            ("tables", .object(report.sections.map { section in
                (section.table.id, .array(section.table.rows.map { row in
                    .object(zip(section.table.columns, row).map { ($0, value($1)) })
                }))
            })),
        ])
        return JSONWriter.serialise(document) + "\n"
    }
}
