import Domain

/// One cell of a submitted row: its column header (CSV) or key (JSON), and its value.
public struct SourceCell: Hashable, Sendable {
    public let key: String
    public let value: JSONValue
    /// The field the key names, if it is one we know.
    public let field: Field?

    public init(key: String, value: JSONValue, field: Field?) {
        self.key = key
        self.value = value
        self.field = field
    }
}

/// A row as read from a file, before any rule has looked at it.
public struct SourceRow: Hashable, Sendable {
    /// The row's number for the submitter: its line in CSV and NDJSON, its position
    /// among the records in JSON.
    public let number: Int
    /// The cells in their original order (the columns our result files add are dropped).
    public let cells: [SourceCell]
    /// Set when the row could not be read as a record at all.
    public let problem: Problem?

    public init(number: Int, cells: [SourceCell], problem: Problem? = nil) {
        self.number = number
        self.cells = cells
        self.problem = problem
    }

    /// The row as the rules see it.
    public var input: RowInput {
        var input = RowInput(number: number)
        for cell in cells {
            guard let field = cell.field, let text = cell.value.text else { continue }
            input[field] = text
        }
        return input
    }

    /// True when every cell is empty: such a row is skipped.
    public var isBlank: Bool {
        problem == nil && cells.allSatisfy { cell in
            cell.value.text.map { $0.trimmingSpaces().isEmpty } ?? true
        }
    }

    /// The row with date of birth and national insurance number blanked.
    public var withoutPersonalData: SourceRow {
        guard cells.contains(where: { $0.field?.isPersonal == true }) else { return self }
        return SourceRow(number: number, cells: cells.map { cell in
            guard cell.field?.isPersonal == true else { return cell }
            return SourceCell(key: cell.key, value: .string(""), field: cell.field)
        }, problem: problem)
    }

    /// The row as it may be kept: besides the known personal fields, every cell that
    /// could hold a date of birth or NI number is blanked — under a name we do not know
    /// that says so ("NI number", `dateOfBirth`), or shaped like one outside the event
    /// date columns (a date of birth typed in the TRN column).
    /// `personalHeader` tells a column name we do not know that says it is personal
    /// (`PersonalData.isPersonalHeader`, or a writer's cache of it).
    public func withoutAnyPersonalData(personalHeader: (String) -> Bool = PersonalData.isPersonalHeader) -> SourceRow {
        func personal(_ cell: SourceCell) -> Bool {
            if cell.field?.isPersonal == true { return true }
            if cell.field == nil, personalHeader(cell.key) { return true }
            guard cell.field?.isEventDate != true, let text = cell.value.text else { return false }
            return PersonalData.mightBe(text)
        }
        let blanked = cells.map(personal)
        guard blanked.contains(true) else { return self }
        return SourceRow(number: number, cells: zip(cells, blanked).map { cell, blank in
            blank ? SourceCell(key: cell.key, value: .string(""), field: cell.field) : cell
        }, problem: problem)
    }
}
