import Domain
import Foundation

/// Reads a submission file of any format as a stream of `SourceRow`s.
///
/// Only one record is held at a time. Problems that make the rest of the file unreadable
/// throw a `ParseError`; problems confined to one row (too many cells, an NDJSON line that
/// is not JSON, a JSON record that is not an object) come back on that row.
public final class SubmissionReader {
    public let format: FileFormat
    /// The CSV header, without the columns our result files add; `nil` for other formats.
    public private(set) var header: [String]?
    /// The fields the CSV header names.
    public private(set) var headerFields: Set<Field> = []
    /// The `kind` the file declares (JSON, NDJSON), as written.
    public private(set) var declaredKind: String?

    private var stream: ByteStream
    /// The temporary NDJSON file an XML submission was converted to.
    private var converted: XMLConverter.Converted?
    /// The rows file a workbook's first sheet was converted to.
    private var workbook: WorkbookConverter.Converted?
    /// For a workbook: the sheet row of the line read last.
    private var sheetRow = 0
    /// The file read, when read from a path.
    private var sourcePath: String?
    /// For XML: the columns, the kind's template first, then any other element seen.
    private var xmlColumns: [(key: String, field: Field?)] = []
    private var csv: CSVTokenizer?
    private var columns: [(index: Int, key: String, field: Field?)] = []
    private var headerWidth = 0
    private var json: JSONScanner?
    private var jsonState = JSONState.start
    private var recordIndex = 0
    private var ndjsonLine = 0

    private enum JSONState { case start, inArray(topLevel: Bool, first: Bool), done }

    /// The largest UTF-16 file accepted: it is converted in memory.
    public static let maximumUTF16Bytes = 64 << 20

    /// Opens the file at `path`, detecting its format. An XML file is converted into a
    /// file in `scratch` (the system's temporary folder when nil), removed with its last reader.
    public convenience init(path: String, scratch: String? = nil) throws(ReadError) {
        let stream = try ByteStream(path: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        try self.init(stream: stream, fileName: name, path: path, scratch: scratch)
    }

    /// Reads from `stream`, detecting the format from its first bytes.
    public init(stream: ByteStream, fileName: String, path: String? = nil, scratch: String? = nil) throws(ReadError) {
        var stream = stream
        var path = path
        sourcePath = path
        if let encoding = FormatSniffer.utf16(try stream.prefix(2)) {
            stream = ByteStream(bytes: Self.declaringUTF8(try Self.utf8(fromUTF16: stream, encoding)))
            path = nil  // read the converted bytes, not the file
        }
        self.stream = stream
        let sample = try stream.prefix(FormatSniffer.sampleSize)
        let detection = try FormatSniffer.detect(sample: sample, fileName: fileName)
        stream.skip(detection.skip)
        self.format = detection.format
        switch format {
        case .csv:
            let tokenizer = CSVTokenizer(stream: stream)
            csv = tokenizer
            try readHeader(tokenizer)
        case .json, .ndjson:
            json = JSONScanner(stream: stream)
        case .xml:
            try openXML(stream, path: path, scratch: scratch)
        case .xlsx:
            guard let path else {
                throw ReadError.content(ParseError(.xlsxInvalid, "The workbook could not be read. Save it again from Excel as .xlsx, or send CSV."))
            }
            try use(try WorkbookConverter.convert(path: path, scratch: scratch))
        }
    }

    private init(workbook: WorkbookConverter.Converted) throws(ReadError) {
        format = .xlsx
        stream = ByteStream(bytes: [])  // replaced by `use`
        try use(workbook)
    }

    /// Reads a workbook's rows file: its first line with a cell is the header.
    private func use(_ workbook: WorkbookConverter.Converted) throws(ReadError) {
        self.workbook = workbook
        stream = try ByteStream(path: workbook.path)
        guard let (cells, line) = try nextSheetLine() else {
            throw ReadError.content(ParseError(.fileEmpty, "The workbook's first sheet is empty. Put the template's header row and the rows on the first sheet."))
        }
        try readHeader(cells, line: line)
    }

    /// The next sheet row with a cell in it, and its row number.
    private func nextSheetLine() throws(ReadError) -> ([String], Int)? {
        var line: [UInt8] = []
        while true {
            let ended = try nextLine(&line, number: sheetRow + 1)
            if ended && line.isEmpty { return nil }
            sheetRow += 1
            guard !line.isEmpty else { continue }
            guard case .array(let values) = try JSONScanner(stream: ByteStream(bytes: line)).value() else { continue }
            return (values.map { $0.text ?? "" }, sheetRow)
        }
    }

    private func nextXLSX() throws(ReadError) -> SourceRow? {
        guard let (cells, line) = try nextSheetLine() else { return nil }
        return row(cells, line: line)
    }

    /// A reader of the same file from its first row, sharing an XML file's conversion.
    public func reopened() throws(ReadError) -> SubmissionReader {
        if let converted { return try SubmissionReader(converted: converted) }
        if let workbook { return try SubmissionReader(workbook: workbook) }
        guard let sourcePath else {
            throw ReadError.content(ParseError(.fileUnreadable, "The file was read from memory and cannot be read again."))
        }
        return try SubmissionReader(path: sourcePath)
    }

    private init(converted: XMLConverter.Converted) throws(ReadError) {
        format = .xml
        stream = ByteStream(bytes: [])  // replaced by `use`
        try use(converted)
    }

    /// The bytes with an XML declaration's `encoding="UTF-16"` made `UTF-8`: they were
    /// converted, and libxml2 believes the declaration over the bytes.
    static func declaringUTF8(_ bytes: [UInt8]) -> [UInt8] {
        let head = bytes.prefix(256)
        guard head.starts(with: Array("<?xml".utf8)),
              let end = head.firstRange(of: Array("?>".utf8))?.lowerBound else { return bytes }
        let declaration = String(decoding: head[..<end], as: UTF8.self)
        guard let name = declaration.range(of: "encoding", options: .caseInsensitive),
              let open = declaration[name.upperBound...].firstIndex(where: { $0 == "\"" || $0 == "'" }),
              let close = declaration[declaration.index(after: open)...].firstIndex(of: declaration[open]) else { return bytes }
        let fixed = declaration[..<declaration.index(after: open)] + "UTF-8" + declaration[close...]
        return Array(fixed.utf8) + bytes[end...]
    }

    /// Converts UTF-16 (after its byte order mark) to UTF-8.
    private static func utf8(fromUTF16 stream: ByteStream, _ encoding: FormatSniffer.Encoding) throws(ReadError) -> [UInt8] {
        stream.skip(2)
        var units: [UInt16] = []
        var pending: UInt8?
        var total = 0
        while true {
            let chunk = try stream.prefix(1 << 16)
            if chunk.isEmpty { break }
            stream.skip(chunk.count)
            total += chunk.count
            guard total <= maximumUTF16Bytes else {
                throw ReadError.content(ParseError(.fileTooLarge, "The file is UTF-16 text larger than \(maximumUTF16Bytes >> 20) MB. Save it as UTF-8 (in Excel: \"CSV UTF-8\") and upload it again."))
            }
            for byte in chunk {
                if let first = pending {
                    units.append(encoding == .utf16LittleEndian ? UInt16(byte) << 8 | UInt16(first) : UInt16(first) << 8 | UInt16(byte))
                    pending = nil
                } else {
                    pending = byte
                }
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count)
        let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) { bytes.append($0) }
        if failed || pending != nil {
            throw ReadError.content(ParseError(.fileEncoding, "The file starts as UTF-16 text but is not valid UTF-16. Save it as UTF-8 (in Excel: \"CSV UTF-8\") and upload it again."))
        }
        return bytes
    }

    /// Converts the XML to a temporary NDJSON file and reads that, with the columns of
    /// the kind's template.
    private func openXML(_ stream: ByteStream, path: String?, scratch: String?) throws(ReadError) {
        let input: InputStream?
        let bytes: () throws(ReadError) -> ByteStream
        if let path {
            input = InputStream(fileAtPath: path)
            bytes = { () throws(ReadError) in try ByteStream(path: path) }
        } else {
            let all = try stream.readAll()
            input = InputStream(data: Data(all))
            bytes = { ByteStream(bytes: all) }
        }
        guard let input else { throw .system(.last(.open, path ?? "XML input")) }
        try use(try XMLConverter.convert(input, bytes: bytes, scratch: scratch))
    }

    /// Reads `converted` with the columns of the kind's template.
    private func use(_ converted: XMLConverter.Converted) throws(ReadError) {
        self.converted = converted
        declaredKind = converted.kind
        let seen = converted.keys.compactMap { Field(header: $0) }
        let kind = converted.kind.flatMap { SubmissionKind(rawValue: $0.trimmingSpaces().lowercased()) }
            ?? SubmissionKind.detect(from: Set(seen))
        let template = kind?.fields ?? seen
        xmlColumns = template.map { ($0.key, $0) }
        for key in converted.keys {
            let field = Field(header: key)
            if field == nil || !template.contains(field!) { xmlColumns.append((key, field)) }
        }
        header = xmlColumns.map { $0.field.map(\.header) ?? $0.key }
        headerFields = Set(template)
        self.stream = try ByteStream(path: converted.path)
        json = JSONScanner(stream: self.stream)
    }

    /// The next row, or `nil` at the end of the file.
    public func next() throws(ReadError) -> SourceRow? {
        switch format {
        case .csv: return try nextCSV()
        case .json: return try nextJSON()
        case .ndjson: return try nextNDJSON()
        case .xml: return try nextXML()
        case .xlsx: return try nextXLSX()
        }
    }

    // MARK: CSV

    private func readHeader(_ tokenizer: CSVTokenizer) throws(ReadError) {
        guard let record = try tokenizer.next() else {
            throw ReadError.content(ParseError(.fileEmpty, "The file has no header row. Start the file with the template's header row."))
        }
        try readHeader(record.cells, line: record.line)
    }

    /// Takes `cells`, on `line`, as the header row.
    private func readHeader(_ cells: [String], line: Int) throws(ReadError) {
        headerWidth = cells.count
        var kept: [String] = []
        var seen: [Field: String] = [:]
        for (index, raw) in cells.enumerated() {
            let name = raw.trimmingSpaces()
            if Field.isResultColumn(name) { continue }
            let field = Field(header: name)
            if let field {
                if let earlier = seen[field] {
                    throw ReadError.content(ParseError(.csvDuplicateColumn, "The columns \"\(earlier)\" and \"\(name)\" are the same column. Keep only one of them.", line: line))
                }
                seen[field] = name
                headerFields.insert(field)
            }
            columns.append((index, name, field))
            kept.append(name)
        }
        header = kept
    }

    private func nextCSV() throws(ReadError) -> SourceRow? {
        guard let tokenizer = csv, let record = try tokenizer.next() else { return nil }
        return row(record.cells, line: record.line)
    }

    /// A row of cells under the header's columns.
    private func row(_ texts: [String], line: Int) -> SourceRow {
        var problem: Problem?
        if texts.count > headerWidth, texts[headerWidth...].contains(where: { !$0.trimmingSpaces().isEmpty }) {
            problem = Problem(.csvTooManyCells, "This row has \(texts.count) cells but the header has \(headerWidth) columns. Remove the extra cells\(format == .csv ? ", or quote any cell that contains a comma" : " or give them a header").")
        }
        var cells: [SourceCell] = []
        cells.reserveCapacity(columns.count)
        for column in columns {
            let text = column.index < texts.count ? texts[column.index] : ""
            cells.append(SourceCell(key: column.key, value: .string(text), field: column.field))
        }
        return SourceRow(number: line, cells: cells, problem: problem)
    }

    // MARK: JSON

    private func nextJSON() throws(ReadError) -> SourceRow? {
        guard let scanner = json else { return nil }
        while true {
            switch jsonState {
            case .done:
                return nil
            case .start:
                if try scanner.consume(UInt8(ascii: "[")) {
                    jsonState = .inArray(topLevel: true, first: true)
                } else if try scanner.consume(UInt8(ascii: "{")) {
                    if try scanner.consume(UInt8(ascii: "}")) { try finishDocument(scanner); return nil }
                    try readMembers(scanner, first: true)
                } else {
                    throw scanner.fail("a submission must be an object with \"records\" or an array of records")
                }
            case .inArray(let topLevel, let first):
                if first ? try scanner.consume(UInt8(ascii: "]")) : !(try scanner.consume(UInt8(ascii: ","))) {
                    if !first { try scanner.expect(UInt8(ascii: "]"), "',' or ']' between records") }
                    if topLevel {
                        try finishDocument(scanner)
                    } else if try scanner.consume(UInt8(ascii: ",")) {
                        try readMembers(scanner, first: false)
                    } else {
                        try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
                        try finishDocument(scanner)
                    }
                    continue
                }
                jsonState = .inArray(topLevel: topLevel, first: false)
                recordIndex += 1
                return row(from: try scanner.value(depth: 1), number: recordIndex)
            }
        }
    }

    /// Reads the members of the top-level object up to `records` (or its end).
    private func readMembers(_ scanner: JSONScanner, first: Bool) throws(ReadError) {
        repeat {
            guard try scanner.peekSignificant() == UInt8(ascii: "\"") else {
                throw scanner.fail("expected a quoted field name")
            }
            let key = try scanner.string()
            try scanner.expect(UInt8(ascii: ":"), "':' after a field name")
            if key == "records" {
                try scanner.expect(UInt8(ascii: "["), "an array of records after \"records\"")
                jsonState = .inArray(topLevel: false, first: true)
                return
            }
            let value = try scanner.value(depth: 1)
            if key == "kind" { declaredKind = value.text }
        } while try scanner.consume(UInt8(ascii: ","))
        try scanner.expect(UInt8(ascii: "}"), "',' or '}'")
        try finishDocument(scanner)
    }

    private func finishDocument(_ scanner: JSONScanner) throws(ReadError) {
        jsonState = .done
        if try scanner.peekSignificant() != nil {
            throw scanner.fail("there is more text after the end of the document")
        }
    }

    // MARK: NDJSON

    /// Reads the next line (without its line feed) into `line`; true when the data ended
    /// instead of a line feed. `number` is the line's, for the problems it may have.
    private func nextLine(_ line: inout [UInt8], number: Int) throws(ReadError) -> Bool {
        line.removeAll(keepingCapacity: true)
        while true {
            guard let byte = try stream.next() else { return true }
            if byte == UInt8(ascii: "\n") { return false }
            if byte == 0 {
                throw ReadError.content(ParseError(.fileBinary, "The file contains binary data (a NUL byte). Upload the submission as text.", line: number))
            }
            line.append(byte)
            if line.count > CSVTokenizer.maximumRecordBytes {
                throw ReadError.content(ParseError(.lineTooLong, "A line is longer than \(CSVTokenizer.maximumRecordBytes / 1024) KB.", line: number))
            }
        }
    }

    private func nextNDJSON() throws(ReadError) -> SourceRow? {
        var line: [UInt8] = []
        while true {
            let ended = try nextLine(&line, number: ndjsonLine + 1)
            ndjsonLine += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                if ended { return nil }
                continue
            }
            let scanner = JSONScanner(stream: ByteStream(bytes: line))
            do throws(ReadError) {
                let value = try scanner.value()
                if try scanner.peekSignificant() != nil { throw scanner.fail("there is more text after the record") }
                return row(from: value, number: ndjsonLine)
            } catch .content(let error) where error.code == .jsonInvalid {
                return SourceRow(number: ndjsonLine, cells: [], problem: Problem(.jsonInvalid, error.message))
            }
        }
    }

    // MARK: XML

    /// The next converted record, its cells in the template's column order.
    private func nextXML() throws(ReadError) -> SourceRow? {
        guard let row = try nextNDJSON() else { return nil }
        var values: [String: JSONValue] = [:]
        for cell in row.cells { values[cell.field?.key ?? cell.key] = cell.value }
        return SourceRow(number: row.number, cells: xmlColumns.map { column in
            SourceCell(key: column.field.map(\.header) ?? column.key, value: values[column.field?.key ?? column.key] ?? .string(""),
                       field: column.field)
        }, problem: row.problem)
    }

    // MARK: Records

    private func row(from value: JSONValue, number: Int) -> SourceRow {
        guard case .object(let members) = value else {
            return SourceRow(number: number, cells: [], problem: Problem(.jsonNotRecord, "Each record must be an object of fields, like {\"trn\": \"1234567\", ...}."))
        }
        var cells: [SourceCell] = []
        cells.reserveCapacity(members.count)
        for (key, value) in members {
            let known = self.known(key)
            if known.isResultColumn { continue }
            if key == "kind", declaredKind == nil { declaredKind = value.text }
            cells.append(SourceCell(key: key, value: value, field: known.field))
        }
        return SourceRow(number: number, cells: cells)
    }

    /// What a record's key names, worked out once per distinct key (records repeat
    /// their keys); at most `keyCacheLimit` keys are remembered.
    private func known(_ key: String) -> (isResultColumn: Bool, field: Field?) {
        if let known = keyCache[key] { return known }
        let known = (Field.isResultColumn(key), Field(header: key))
        if keyCache.count < Self.keyCacheLimit { keyCache[key] = known }
        return known
    }

    private var keyCache: [String: (isResultColumn: Bool, field: Field?)] = [:]
    private static let keyCacheLimit = 256
}
