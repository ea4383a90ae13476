import Domain

/// One open-data file for Explore Education Statistics (EES): a tidy CSV — the standard
/// time and geography columns, then filters, then indicators — and its `.meta.csv`
/// describing every filter and indicator.
public struct OpenDataFile: Sendable {
    /// A filter or indicator column, as the `.meta.csv` describes it.
    public struct Column: Sendable {
        public enum Kind: String, Sendable { case filter = "Filter", indicator = "Indicator" }
        public let name: String
        public let kind: Kind
        public let label: String
        public let unit: String
        public let decimals: Int?
        public let hint: String

        public static func filter(_ name: String, _ label: String, hint: String = "") -> Column {
            Column(name: name, kind: .filter, label: label, unit: "", decimals: nil, hint: hint)
        }

        public static func count(_ name: String, _ label: String) -> Column {
            Column(name: name, kind: .indicator, label: label, unit: "", decimals: 0, hint: "")
        }
    }

    /// The file name without `.csv`: lower case, words joined by `_`.
    public let name: String
    public let columns: [Column]

    public init(name: String, columns: [Column]) {
        self.name = name
        self.columns = columns
    }

    /// The time and geography columns every file starts with, in EES's order.
    public static let standardColumns = [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
        "region_code", "region_name", "old_la_code", "new_la_code", "la_name",
    ]

    /// The `.meta.csv`'s columns.
    public static let metaColumns = [
        "col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint",
        "filter_grouping_column",
    ]
}

/// Writes open-data files: `<name>.csv` from a report table whose columns are the
/// standard ones then the file's filters and indicators, and `<name>.meta.csv`. Plain
/// UTF-8 without a byte order mark (they are for EES to read, not Excel); suppressed
/// counts are `c`, empty geography cells empty.
public enum OpenDataWriter {
    public static func write(_ file: OpenDataFile, table: Report.Table, to folder: String) throws(SystemError) {
        try Directories.create(folder)
        var csv = CSVFormatting.line(table.columns, neutralise: false)
        for row in table.rows { csv += CSVFormatting.line(row.map(\.text), neutralise: false) }
        try put(csv, folder + "/" + file.name + ".csv")
        var meta = CSVFormatting.line(OpenDataFile.metaColumns, neutralise: false)
        for column in file.columns {
            meta += CSVFormatting.line([
                column.name, column.kind.rawValue, column.label, "", column.unit,
                column.decimals.map(String.init) ?? "", column.hint, "",
            ], neutralise: false)
        }
        try put(meta, folder + "/" + file.name + ".meta.csv")
    }

    private static func put(_ text: String, _ path: String) throws(SystemError) {
        let file = try AtomicFile(path: path)
        try file.write(text)
        try file.commit()
    }
}
