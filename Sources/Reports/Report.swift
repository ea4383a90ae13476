/// A statistics report: tables and charts, rendered as one HTML page, one CSV file per
/// table and a `summary.json`. Holds counts only: never a name, date of birth, NINO,
/// email or TRN.
public struct Report: Sendable {
    public let title: String
    /// What the report covers, e.g. "as of 2026-11-20".
    public let subtitle: String
    /// Headline figures, shown first and written to `summary.json`.
    public var headlines: [Headline]
    public var sections: [Section]
    /// When the report was made (UTC), shown on the page; `nil` to leave it out.
    public var made: String?

    public init(title: String, subtitle: String, headlines: [Headline] = [], sections: [Section] = []) {
        self.title = title
        self.subtitle = subtitle
        self.headlines = headlines
        self.sections = sections
    }

    public struct Headline: Sendable, Equatable {
        /// A stable key for `summary.json`.
        public let key: String
        public let label: String
        public let value: Cell
        public init(_ key: String, _ label: String, _ value: Cell) {
            self.key = key
            self.label = label
            self.value = value
        }
    }

    /// A heading with what it answers, a chart and a table.
    public struct Section: Sendable {
        public let title: String
        /// The question the section answers, shown under its heading.
        public let question: String
        public var chart: Chart?
        public var table: Table

        public init(title: String, question: String, chart: Chart? = nil, table: Table) {
            self.title = title
            self.question = question
            self.chart = chart
            self.table = table
        }
    }

    public struct Table: Sendable {
        /// The CSV file's name, without `.csv`.
        public let id: String
        public let columns: [String]
        public var rows: [[Cell]]

        public init(id: String, columns: [String], rows: [[Cell]]) {
            self.id = id
            self.columns = columns
            self.rows = rows
        }
    }

    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A count of people or rows: what small-number suppression hides.
        case count(Int)
        /// A figure that is not a count of people (days, terms, a share).
        case number(Double, decimals: Int)
        case percent(Double)
        /// A count hidden by small-number suppression.
        case suppressed
        case none

        /// The cell as a page shows it: counts and whole numbers with thousands separators.
        public var shown: String {
            switch self {
            case .count(let n): Self.grouped(n)
            case .number(let x, 0): Self.grouped(Int(x.rounded()))
            default: text
            }
        }

        /// `12,345`.
        public static func grouped(_ n: Int) -> String {
            let digits = String(n.magnitude)
            var out = ""
            for (index, digit) in digits.enumerated() {
                if index > 0, (digits.count - index) % 3 == 0 { out += "," }
                out.append(digit)
            }
            return (n < 0 ? "-" : "") + out
        }

        /// The cell as text, for CSV (and the page, where `shown` does not differ).
        public var text: String {
            switch self {
            case .text(let s): s
            case .count(let n): String(n)
            case .number(let x, let decimals): Self.format(x, decimals)
            case .percent(let x): Self.format(x * 100, 1) + "%"
            case .suppressed: "c"
            case .none: ""
            }
        }

        static func format(_ x: Double, _ decimals: Int) -> String {
            var scale = 1.0
            for _ in 0..<decimals { scale *= 10 }
            let rounded = (x * scale).rounded() / scale
            if decimals == 0 { return String(Int(rounded)) }
            let whole = Int(rounded.magnitude)
            var fraction = String(Int(((rounded.magnitude - Double(whole)) * scale).rounded()))
            while fraction.count < decimals { fraction = "0" + fraction }
            return (rounded < 0 ? "-" : "") + "\(whole).\(fraction)"
        }
    }

    public struct Chart: Sendable {
        public enum Style: Sendable { case horizontalBars, columns }
        public let style: Style
        public let valueLabel: String
        public let categoryLabel: String
        /// Under the chart: what it shows and its units.
        public let caption: String
        /// Series names (a legend when more than one).
        public let series: [String]
        /// Each category and its value in each series.
        public let points: [(label: String, values: [Double])]

        public init(style: Style, categoryLabel: String, valueLabel: String, caption: String, series: [String],
                    points: [(label: String, values: [Double])]) {
            self.style = style
            self.categoryLabel = categoryLabel
            self.valueLabel = valueLabel
            self.caption = caption
            self.series = series
            self.points = points
        }
    }

    /// The report with every count from 1 to `threshold - 1` replaced by the `c` marker,
    /// in tables and headlines, and charts of suppressed tables dropped, so that it can
    /// be published without identifying anyone. Zero is not suppressed.
    /// Whether any count is shown as `c`.
    public var hasSuppressed: Bool {
        headlines.contains { $0.value == .suppressed } || sections.contains { $0.table.rows.contains { $0.contains(.suppressed) } }
    }

    public func suppressing(below threshold: Int) -> Report {
        guard threshold > 1 else { return self }
        func hide(_ cell: Cell) -> Cell {
            if case .count(let n) = cell, n > 0, n < threshold { return .suppressed }
            return cell
        }
        var copy = self
        copy.headlines = headlines.map { Headline($0.key, $0.label, hide($0.value)) }
        copy.sections = sections.map { section in
            var section = section
            section.table.rows = section.table.rows.map { $0.map(hide) }
            if section.table.rows.contains(where: { $0.contains(.suppressed) }) { section.chart = nil }
            return section
        }
        return copy
    }
}
