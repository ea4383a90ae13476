/// Whether a row was taken.
public enum RowStatus: String, Sendable {
    case accepted
    case rejected
    /// The whole file was refused and no row could be read.
    case refused
}

/// What the rules decided for one row.
public struct Verdict: Hashable, Sendable {
    public var errors: [Problem]
    public var warnings: [Problem]
    /// The change to apply when the row is accepted.
    public var change: Change?

    public init(errors: [Problem] = [], warnings: [Problem] = [], change: Change? = nil) {
        self.errors = errors
        self.warnings = warnings
        self.change = change
    }

    public static func rejected(_ problems: Problem...) -> Verdict { Verdict(errors: problems) }

    public var status: RowStatus { errors.isEmpty ? .accepted : .rejected }
}

/// A row as the rules see it: each known field's trimmed text, and where it stood.
public struct RowInput: Sendable {
    /// The row's number as the submitter sees it: the line in a CSV or NDJSON file,
    /// the record's position in a JSON or XML file.
    public let number: Int
    private var values: [String?]

    public init(number: Int) {
        self.number = number
        self.values = Array(repeating: nil, count: Field.allCases.count)
    }

    public init(number: Int, _ fields: [Field: String]) {
        self.init(number: number)
        for (field, value) in fields { self[field] = value }
    }

    /// The trimmed cell; `nil` when the column is absent or the cell is empty.
    public subscript(field: Field) -> String? {
        get { values[field.rawValue] }
        set {
            guard let newValue else { values[field.rawValue] = nil; return }
            let trimmed = newValue.trimmingSpaces()
            values[field.rawValue] = trimmed.isEmpty ? nil : trimmed
        }
    }

    /// True when no field has a value.
    public var isBlank: Bool { values.allSatisfy { $0 == nil } }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Removes leading and trailing spaces, tabs, CRs and LFs.
    @inlinable
    public func trimmingSpaces() -> String {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        let view = utf8
        guard let first = view.first, let last = view.last else { return "" }
        // Most cells have nothing to trim: no copy of the bytes for them.
        if !isSpace(first) && !isSpace(last) { return String(self) }
        var lower = view.startIndex, upper = view.endIndex
        while lower < upper, isSpace(view[lower]) { lower = view.index(after: lower) }
        while upper > lower, isSpace(view[view.index(before: upper)]) { upper = view.index(before: upper) }
        // Only ASCII bytes were skipped, so both ends are character boundaries.
        return String(self[lower..<upper])
    }
}
