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
    /// Sets of published cells tied by a known equation (a total and its parts, two
    /// tables that sum to the same figure): suppression leaves none of them with exactly
    /// one hidden cell, or it could be worked out from the others.
    public var relations: [[CellRef]] = []
    /// Cells worked out from others (a rate from its count): hidden when one of those is.
    public var derivations: [(cell: CellRef, from: [CellRef])] = []

    /// A cell of the report: a headline, or a table's cell by row and column.
    public enum CellRef: Hashable, Sendable {
        case headline(String)
        case cell(table: String, row: Int, column: Int)
    }

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

    /// The report with every count from 1 to `threshold - 1` shown as `c` (primary
    /// suppression), then, so that none can be worked back, more cells hidden (secondary
    /// suppression): while a relation (`relations`) has exactly one hidden cell, its
    /// smallest shown count — a non-zero one first — is hidden too; last, every cell
    /// derived from a hidden one (`derivations`) is hidden. The charts of tables with a
    /// hidden cell are dropped. Zero is not suppressed for itself.
    public func suppressing(below threshold: Int) -> Report {
        guard threshold > 1 else { return self }
        var copy = self
        copy.headlines = headlines.map { headline in
            if case .count(let n) = headline.value, n > 0, n < threshold { return Headline(headline.key, headline.label, .suppressed) }
            return headline
        }
        copy.sections = sections.map { section in
            var section = section
            section.table.rows = section.table.rows.map { row in
                row.map { cell in
                    if case .count(let n) = cell, n > 0, n < threshold { return .suppressed }
                    return cell
                }
            }
            return section
        }
        var changed = true
        while changed {
            changed = false
            for relation in relations {
                let hidden = relation.filter { copy[$0] == .suppressed }
                guard hidden.count == 1 else { continue }
                let candidates = relation.compactMap { ref -> (CellRef, Int)? in
                    if case .count(let n) = copy[ref] { (ref, n) } else { nil }
                }
                // The smallest count, non-zero first; failing any count, another figure
                // of the relation (a sum of terms).
                let next = candidates.min(by: { ($0.1 == 0 ? Int.max : $0.1) < ($1.1 == 0 ? Int.max : $1.1) })?.0
                    ?? relation.first { copy[$0] != .suppressed && copy[$0] != .none }
                guard let next else { continue }
                copy[next] = .suppressed
                changed = true
            }
        }
        for derivation in derivations where derivation.from.contains(where: { copy[$0] == .suppressed }) {
            copy[derivation.cell] = .suppressed
        }
        copy.sections = copy.sections.map { section in
            var section = section
            if section.table.rows.contains(where: { $0.contains(.suppressed) }) { section.chart = nil }
            return section
        }
        return copy
    }

    /// A cell by reference (`.none` when there is no such cell).
    public subscript(ref: CellRef) -> Cell {
        get {
            switch ref {
            case .headline(let key):
                return headlines.first { $0.key == key }?.value ?? .none
            case .cell(let table, let row, let column):
                guard let section = sections.first(where: { $0.table.id == table }), section.table.rows.indices.contains(row),
                      section.table.rows[row].indices.contains(column) else { return .none }
                return section.table.rows[row][column]
            }
        }
        set {
            switch ref {
            case .headline(let key):
                guard let index = headlines.firstIndex(where: { $0.key == key }) else { return }
                headlines[index] = Headline(key, headlines[index].label, newValue)
            case .cell(let table, let row, let column):
                guard let index = sections.firstIndex(where: { $0.table.id == table }),
                      sections[index].table.rows.indices.contains(row),
                      sections[index].table.rows[row].indices.contains(column) else { return }
                sections[index].table.rows[row][column] = newValue
            }
        }
    }

    // MARK: Building relations

    /// The cells of `column` in every row of `table`.
    public func column(_ column: String, of table: String) -> [CellRef] {
        guard let section = sections.first(where: { $0.table.id == table }),
              let index = section.table.columns.firstIndex(of: column) else { return [] }
        return section.table.rows.indices.map { .cell(table: table, row: $0, column: index) }
    }

    /// In each row of `table`, `total` is the sum of `parts`.
    public mutating func relateRows(of table: String, total: String, parts: [String]) {
        let totals = column(total, of: table)
        let partColumns = parts.map { column($0, of: table) }
        for (row, total) in totals.enumerated() {
            relations.append([total] + partColumns.compactMap { $0.indices.contains(row) ? $0[row] : nil })
        }
    }

    /// `column` of `table` sums to the headline `key`.
    public mutating func relate(_ column: String, of table: String, toHeadline key: String) {
        let cells = self.column(column, of: table)
        if !cells.isEmpty { relations.append(cells + [.headline(key)]) }
    }

    /// Two columns (of one table or two) with the same sum.
    public mutating func relate(_ column: String, of table: String, to other: String, of otherTable: String) {
        let cells = self.column(column, of: table) + self.column(other, of: otherTable)
        if !cells.isEmpty { relations.append(cells) }
    }

    /// In each row of `table`, `derived` is worked out from `inputs` (and `headlines`).
    public mutating func derive(_ derived: String, from inputs: [String], in table: String, headlines: [String] = []) {
        let derivedCells = column(derived, of: table)
        let inputColumns = inputs.map { column($0, of: table) }
        for (row, cell) in derivedCells.enumerated() {
            derivations.append((cell, inputColumns.compactMap { $0.indices.contains(row) ? $0[row] : nil }
                                    + headlines.map { .headline($0) }))
        }
    }
}
