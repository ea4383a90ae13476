import Domain
import Parsers

/// What a result file says about one row.
public struct RowOutcome: Hashable, Sendable {
    public let status: RowStatus
    public let errors: [Problem]
    public let warnings: [Problem]
    /// The extension's ID, for an accepted extensions row.
    public let extensionID: Int64?

    public init(status: RowStatus, errors: [Problem] = [], warnings: [Problem] = [], extensionID: Int64? = nil) {
        self.status = status
        self.errors = errors
        self.warnings = warnings
        self.extensionID = extensionID
    }
}

/// Counts for the end of a JSON result.
public struct ResultCounts: Sendable {
    public var accepted = 0
    public var rejected = 0
    public var byCode: [ErrorCode: Int] = [:]

    public init() {}

    public mutating func add(_ outcome: RowOutcome) {
        if outcome.status == .accepted { accepted += 1 } else { rejected += 1 }
        for problem in outcome.errors { byCode[problem.code, default: 0] += 1 }
    }
}

/// Writes rows back in the submitter's format: the result file (each row with its
/// status, errors and warnings) or the archive copy (the rows alone). Date of birth and
/// national insurance number are always blanked.
public final class RowFileWriter {
    public enum Mode: Sendable { case result, archive }

    public let output: any ByteOutput
    private let format: FileFormat
    private let mode: Mode
    private let kind: SubmissionKind?
    private let header: [String]
    /// The column an accepted row's returned value goes in (see `Template.returns`).
    private var returnedColumn: Int?
    private var appendsReturnedColumn = false
    private let returned: Field?
    private var wroteRecord = false
    /// Column names already told personal or not (see `SourceRow.withoutAnyPersonalData`).
    private var personalHeaders: [String: Bool] = [:]

    private func isPersonalHeader(_ name: String) -> Bool {
        if let known = personalHeaders[name] { return known }
        let personal = PersonalData.isPersonalHeader(name)
        personalHeaders[name] = personal
        return personal
    }

    /// A workbook result's writer.
    private var workbook: WorkbookWriter?
    /// For a workbook: the columns whose cells are dates, written as dates.
    private var dateColumns: Set<Int> = []

    /// Starts the file: writes the CSV header, or opens the JSON document or workbook.
    public init(output: any ByteOutput, format: FileFormat, mode: Mode, kind: SubmissionKind?, header: [String]?) throws(SystemError) {
        self.output = output
        self.format = mode == .archive ? format.archiveFormat : format.resultFormat
        self.mode = mode
        self.kind = kind
        self.header = header ?? []
        returned = kind?.template.returns
        switch self.format {
        case .xlsx:
            var columns = self.header
            if let returned {
                returnedColumn = columns.firstIndex { Field(header: $0) == returned }
                if returnedColumn == nil { appendsReturnedColumn = true }
            }
            dateColumns = Set(columns.indices.filter { Field(header: columns[$0])?.isEventDate == true })
            columns += ["Status", "Errors", "Warnings"]
            if appendsReturnedColumn, let returned { columns.append(returned.header) }
            workbook = try WorkbookWriter(output: output, header: columns)
        case .csv, .xml:
            var columns = self.header
            if mode == .result {
                if let returned {
                    returnedColumn = columns.firstIndex { Field(header: $0) == returned }
                    if returnedColumn == nil { appendsReturnedColumn = true }
                }
                columns += ["Status", "Errors", "Warnings"]
                if appendsReturnedColumn, let returned { columns.append(returned.header) }
                // Without a byte order mark, Excel on Windows shows "Zoë" as "ZoÃ«".
                try output.write(CSVFormatting.byteOrderMark)
            }
            try output.write(CSVFormatting.line(columns, neutralise: mode == .result))
        case .json:
            var start = "{"
            if mode == .result { start += "\"schemaVersion\":1," }
            if let kind { start += "\"kind\":\"\(kind.rawValue)\"," }
            try output.write(start + "\"records\":[")
        case .ndjson:
            break
        }
    }

    /// Writes one row (blanking its personal data) with its outcome.
    public func write(_ source: SourceRow, _ outcome: RowOutcome?) throws(SystemError) {
        // The archive keeps nothing that could be personal; a result goes back to its
        // sender, with the columns we know to be personal blanked.
        let row = mode == .archive ? source.withoutAnyPersonalData(personalHeader: isPersonalHeader) : source.withoutPersonalData
        switch format {
        case .xlsx:
            var texts = row.cells.map { $0.value.text ?? "" }
            if texts.count < header.count { texts += Array(repeating: "", count: header.count - texts.count) }
            let id = outcome?.extensionID.map(String.init)
            if let column = returnedColumn, let id { texts[column] = id }
            var cells: [WorkbookWriter.Cell] = texts.enumerated().map { index, text in
                dateColumns.contains(index) ? Day(iso: text).map { .day($0) } ?? .text(text) : .text(text)
            }
            if let outcome {
                cells += [.text(outcome.status.rawValue), .text(CSVFormatting.problems(outcome.errors)),
                          .text(CSVFormatting.problems(outcome.warnings))]
                if appendsReturnedColumn { cells.append(.text(id ?? "")) }
            }
            try workbook!.write(cells, style: outcome?.status == .accepted || outcome == nil ? .plain : .highlighted)
        case .csv, .xml:
            var cells = row.cells.map { $0.value.text ?? "" }
            if cells.count < header.count { cells += Array(repeating: "", count: header.count - cells.count) }
            if mode == .result, let outcome {
                let id = outcome.extensionID.map(String.init)
                if let column = returnedColumn, let id { cells[column] = id }
                cells += [outcome.status.rawValue, CSVFormatting.problems(outcome.errors), CSVFormatting.problems(outcome.warnings)]
                if appendsReturnedColumn { cells.append(id ?? "") }
            }
            try output.write { CSVFormatting.append(cells, neutralise: mode == .result, to: &$0) }
        case .json, .ndjson:
            var members = row.cells.map { ($0.key, $0.value) }
            if mode == .result, let outcome {
                if let id = outcome.extensionID, let returned {
                    members.removeAll { Field(header: $0.0) == returned }
                    members.append((returned.key, .number(String(id))))
                }
                members.append(("status", .string(outcome.status.rawValue)))
                members.append(("errors", RowFileWriter.json(outcome.errors)))
                members.append(("warnings", RowFileWriter.json(outcome.warnings)))
            }
            var text = format == .json && wroteRecord ? "," : ""
            JSONWriter.write(.object(members), to: &text)
            try output.write(format == .ndjson ? text + "\n" : text)
        }
        wroteRecord = true
    }

    /// Ends the file (a JSON result closes with its counts) and renames it into place.
    public func finish(counts: ResultCounts) throws(SystemError) {
        try end(counts: counts)
        try output.commit()
    }

    /// Ends the file and writes all of it to its temporary file, ready for `output.commit()`.
    public func end(counts: ResultCounts) throws(SystemError) {
        if let workbook {
            try workbook.end()
            return
        }
        if format == .json {
            var end = "]"
            if mode == .result {
                let byCode = counts.byCode.sorted { $0.key < $1.key }.map { ($0.key.rawValue, JSONValue.number(String($0.value))) }
                end += ",\"counts\":"
                JSONWriter.write(.object([
                    ("accepted", .number(String(counts.accepted))),
                    ("rejected", .number(String(counts.rejected))),
                    ("byCode", .object(byCode)),
                ]), to: &end)
            }
            try output.write(end + "}\n")
        }
        try output.flush()
    }

    /// Writes a result for a file of which no row could be read: one line, `refused`;
    /// `output.commit()` puts it in place.
    public static func writeRefusal(_ problem: Problem, format: FileFormat, to output: any ByteOutput) throws(SystemError) {
        switch format.resultFormat {
        case .xlsx:
            let workbook = try WorkbookWriter(output: output, header: ["Status", "Errors"])
            try workbook.write([.text(RowStatus.refused.rawValue), .text(CSVFormatting.problems([problem]))], style: .highlighted)
            try workbook.end()
        case .csv, .xml:
            try output.write(CSVFormatting.byteOrderMark + CSVFormatting.line(["Status", "Errors"], neutralise: true))
            try output.write(CSVFormatting.line([RowStatus.refused.rawValue, CSVFormatting.problems([problem])], neutralise: true))
        case .json:
            var text = ""
            JSONWriter.write(.object([
                ("schemaVersion", .number("1")),
                ("status", .string(RowStatus.refused.rawValue)),
                ("errors", json([problem])),
                ("records", .array([])),
            ]), to: &text)
            try output.write(text + "\n")
        case .ndjson:
            var text = ""
            JSONWriter.write(.object([("status", .string(RowStatus.refused.rawValue)), ("errors", json([problem]))]), to: &text)
            try output.write(text + "\n")
        }
        try output.flush()
    }

    static func json(_ problems: [Problem]) -> JSONValue {
        .array(problems.map { .object([("code", .string($0.code.rawValue)), ("message", .string($0.message))]) })
    }
}

/// CSV output: RFC 4180 quoting, CRLF line ends, and cells a spreadsheet would run as a
/// formula made inert.
public enum CSVFormatting {
    /// U+FEFF, which a CSV result and a report table start with, so that Excel reads them as UTF-8.
    public static let byteOrderMark = "\u{FEFF}"

    public static func line(_ cells: [String], neutralise: Bool) -> String {
        var bytes: [UInt8] = []
        append(cells, neutralise: neutralise, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the line for `cells`, CRLF included, straight to `out`: the hot path of
    /// result and archive files, with no text built on the way.
    public static func append(_ cells: [String], neutralise: Bool, to out: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendCell(cell.utf8, neutralise: neutralise, to: &out)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    private static func appendCell(_ cell: String.UTF8View, neutralise: Bool, to out: inout [UInt8]) {
        let prefixed = neutralise && cell.first.map(startsFormula) == true
        var needsQuotes = cell.last == UInt8(ascii: " ") || (!prefixed && cell.first == UInt8(ascii: " "))
        if !needsQuotes {
            for byte in cell where byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
        }
        if needsQuotes { out.append(UInt8(ascii: "\"")) }
        if prefixed { out.append(UInt8(ascii: "'")) }
        if needsQuotes {
            for byte in cell {
                out.append(byte)
                if byte == UInt8(ascii: "\"") { out.append(byte) }
            }
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: cell)
        }
    }

    /// `code: message | code: message`.
    public static func problems(_ problems: [Problem]) -> String {
        problems.map(\.description).joined(separator: " | ")
    }

    /// A cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`.
    public static func neutralised(_ cell: String) -> String {
        guard let first = cell.utf8.first, startsFormula(first) else { return cell }
        return "'" + cell
    }

    private static func startsFormula(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: true
        default: false
        }
    }
}
