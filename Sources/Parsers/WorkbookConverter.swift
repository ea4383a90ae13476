import Domain
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// Reads an Excel workbook (`.xlsx`, Office Open XML) as school and trust staff save
/// them: the first worksheet, streamed out of the zip into a temporary file of one line per
/// sheet row (a JSON array of the cells' text; an empty line for an empty row), so that a
/// row's number is its row in the sheet and memory stays bounded.
///
/// Cells are read as they show: shared and inline strings; numbers as their digits (a
/// TRN typed as a number is still `1234567`); numbers with a date format as dates
/// (`YYYY-MM-DD`, 1900 date system, or 1904 where the workbook says so); a formula's
/// cached value; booleans as TRUE/FALSE. Not read: other sheets, merged cells (the value
/// stays in the first cell), number formats other than dates, comments, hidden state.
///
/// A zip bomb is refused before and while anything is inflated: too many entries, an
/// entry or the whole over its size limit, or a compression ratio no workbook has. A part
/// with a document type declaration is refused: no DTD or external entity is ever read.
enum WorkbookConverter {
    /// Limits that no workbook a school or trust sends comes near.
    struct Limits {
        var entries = 1_000
        var entryBytes: UInt64 = 256 << 20
        var totalBytes: UInt64 = 512 << 20
        /// Uncompressed over compressed, for entries over 1 MiB: text XML compresses about
        /// 10:1; 200:1 and more is a bomb.
        var ratio: UInt64 = 200
    }


    /// The converted rows, removed when the last reader using them is gone.
    final class Converted {
        let path: String
        init(path: String) { self.path = path }
        deinit { unlink(path) }
    }

    static func convert(path: String, scratch: String?, limits: Limits = Limits()) throws(ReadError) -> Converted {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw invalid("The file is a zip archive that cannot be read. Save the workbook again from Excel as .xlsx, or send CSV.")
        }
        try checkSizes(archive, limits)
        var budget = limits.totalBytes
        func part(_ path: String) throws(ReadError) -> [UInt8]? {
            try Self.part(archive, path, limits: limits, budget: &budget)
        }
        let workbook = try part("xl/workbook.xml")
        guard let workbook else {
            throw invalid("The file is a zip archive but not an Excel workbook (it has no xl/workbook.xml). Save it from Excel as .xlsx, or send CSV.")
        }
        let book = try parse(workbook, WorkbookPart())
        let relations = try parse(try part("xl/_rels/workbook.xml.rels") ?? [], RelationsPart())
        guard let first = book.firstSheet, let target = relations.targets[first] else {
            throw invalid("The workbook has no worksheet. Put the rows on its first sheet.")
        }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let strings = try parse(try part("xl/sharedStrings.xml") ?? [], SharedStringsPart()).strings
        let styles = try parse(try part("xl/styles.xml") ?? [], StylesPart())
        guard let sheet = archive[sheetPath] else { throw invalid("The workbook's first sheet (\(sheetPath)) is missing.") }

        // The sheet's XML, inflated into a temporary file (within the limits), then read
        // as a stream into the rows file.
        let folder = scratch ?? FileManager.default.temporaryDirectory.path
        let xmlPath = folder + "/ect-sheet-\(UUID().uuidString).xml"
        defer { unlink(xmlPath) }
        try inflate(archive, sheet, to: xmlPath, limits: limits, budget: &budget)
        try XMLConverter.checkBeforeParsing({ () throws(ReadError) in try ByteStream(path: xmlPath) }, what: "The workbook's first sheet")
        let rowsPath = folder + "/ect-rows-\(UUID().uuidString).jsonl"
        let descriptor = open(rowsPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .system(.last(.create, rowsPath)) }
        let converted = Converted(path: rowsPath)
        guard let input = InputStream(fileAtPath: xmlPath) else { throw .system(.last(.open, xmlPath)) }
        let delegate = SheetPart(output: descriptor, path: rowsPath, strings: strings, dates: styles.dateStyles,
                                 date1904: book.date1904)
        let parser = XMLParser(stream: input)
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        let parsed = parser.parse()
        delegate.flush()
        close(descriptor)
        if let failure = delegate.failure { throw .system(failure) }
        guard parsed else {
            throw invalid("The workbook's first sheet is not valid XML. Save the workbook again from Excel, or send CSV.")
        }
        return converted
    }

    private static func invalid(_ message: String) -> ReadError {
        .content(ParseError(.xlsxInvalid, message))
    }

    private static func tooLarge(_ what: String) -> ReadError {
        .content(ParseError(.xlsxTooLarge, "The workbook is refused: \(what). A workbook of submissions is far smaller; save it again from Excel, or send CSV."))
    }

    /// The central directory's own figures, checked before anything is inflated.
    private static func checkSizes(_ archive: Archive, _ limits: Limits) throws(ReadError) {
        var count = 0
        var total: UInt64 = 0
        for entry in archive {
            count += 1
            guard count <= limits.entries else { throw tooLarge("it has more than \(limits.entries) parts") }
            let size = entry.uncompressedSize
            guard size <= limits.entryBytes else { throw tooLarge("a part would be \(size >> 20) MB") }
            total += size
            guard total <= limits.totalBytes else { throw tooLarge("its parts would be more than \(limits.totalBytes >> 20) MB") }
            if size > 1 << 20, size / max(entry.compressedSize, 1) > limits.ratio {
                throw tooLarge("a part is compressed \(size / max(entry.compressedSize, 1)) to 1, as only a zip bomb is")
            }
        }
    }

    /// A small part's bytes (`nil` when absent), inflated within the limits: the
    /// directory's sizes may lie, so the bytes are counted as they come.
    private static func part(_ archive: Archive, _ path: String, limits: Limits, budget: inout UInt64) throws(ReadError) -> [UInt8]? {
        guard let entry = archive[path] else { return nil }
        var bytes: [UInt8] = []
        var overrun = false
        var spent: UInt64 = 0
        let allowed = min(limits.entryBytes, budget)
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                spent += UInt64(chunk.count)
                if spent > allowed { overrun = true; throw CancellationError() }
                bytes.append(contentsOf: chunk)
            }
        } catch {
            if overrun { throw tooLarge("a part inflates past its declared size") }
            throw invalid("The workbook's part \(path) cannot be read. Save the workbook again from Excel, or send CSV.")
        }
        budget -= spent
        return bytes
    }

    /// Inflates a part into a file, within the limits.
    private static func inflate(_ archive: Archive, _ entry: Entry, to path: String, limits: Limits, budget: inout UInt64) throws(ReadError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .system(.last(.create, path)) }
        defer { close(descriptor) }
        var spent: UInt64 = 0
        var overrun = false
        var failure: SystemError?
        let allowed = min(limits.entryBytes, budget)
        do {
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                spent += UInt64(chunk.count)
                if spent > allowed { overrun = true; throw CancellationError() }
                try chunk.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                        guard written > 0 else {
                            failure = .last(.write, path)
                            throw CancellationError()
                        }
                        offset += written
                    }
                }
            }
        } catch {
            if let failure { throw .system(failure) }
            if overrun { throw tooLarge("a part inflates past its declared size") }
            throw invalid("The workbook's first sheet cannot be read. Save the workbook again from Excel, or send CSV.")
        }
        budget -= spent
    }

    /// Parses a small part with `delegate`, after refusing any document type declaration.
    private static func parse<Part: XMLParserDelegate>(_ bytes: [UInt8], _ delegate: Part) throws(ReadError) -> Part {
        guard !bytes.isEmpty else { return delegate }
        try XMLConverter.checkBeforeParsing({ ByteStream(bytes: bytes) }, what: "A part of the workbook")
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = delegate
        guard parser.parse() else { throw invalid("A part of the workbook is not valid XML. Save the workbook again from Excel, or send CSV.") }
        return delegate
    }

    // MARK: Parts

    /// `xl/workbook.xml`: the first sheet's relationship, and the date system.
    final class WorkbookPart: NSObject, XMLParserDelegate {
        var firstSheet: String?
        var date1904 = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "workbookPr":
                date1904 = ["1", "true"].contains(attributes["date1904"]?.lowercased() ?? "")
            case "sheet" where firstSheet == nil:
                firstSheet = attributes["r:id"] ?? attributes.first { $0.key.hasSuffix(":id") }?.value
            default:
                break
            }
        }
    }

    /// `xl/_rels/workbook.xml.rels`: relationship ids to part names.
    final class RelationsPart: NSObject, XMLParserDelegate {
        var targets: [String: String] = [:]

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] {
                targets[id] = target
            }
        }
    }

    /// `xl/sharedStrings.xml`: every string item's text (rich text runs joined; phonetic
    /// guides left out).
    final class SharedStringsPart: NSObject, XMLParserDelegate {
        var strings: [String] = []
        private var current = ""
        private var inText = false
        private var inPhonetic = false

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "si": current = ""
            case "t": inText = !inPhonetic
            case "rPh": inPhonetic = true
            default: break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inText { current += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(name) {
            case "si": strings.append(current)
            case "t": inText = false
            case "rPh": inPhonetic = false
            default: break
            }
        }
    }

    /// `xl/styles.xml`: which cell styles show a number as a date.
    final class StylesPart: NSObject, XMLParserDelegate {
        private var customFormats: [Int: String] = [:]
        private var inCellXfs = false
        private var xfFormats: [Int] = []

        var dateStyles: Set<Int> {
            Set(xfFormats.indices.filter { index in
                let id = xfFormats[index]
                return (14...22).contains(id) || (45...47).contains(id) || (27...36).contains(id) || (50...58).contains(id)
                    || customFormats[id].map(Self.isDateFormat) == true
            })
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
            case "cellXfs": inCellXfs = true
            case "xf" where inCellXfs: xfFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
            default: break
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if local(name) == "cellXfs" { inCellXfs = false }
        }

        /// A format code that shows a date: day, month or year letters outside quoted text,
        /// escapes and `[...]` sections (colours, conditions, locales).
        static func isDateFormat(_ code: String) -> Bool {
            var inQuote = false, inBracket = false, escaped = false
            for character in code.lowercased() {
                if escaped { escaped = false; continue }
                switch character {
                case "\\": escaped = true
                case "\"": inQuote.toggle()
                case "[" where !inQuote: inBracket = true
                case "]" where !inQuote: inBracket = false
                default: if !inQuote && !inBracket && "dmy".contains(character) { return true }
                }
            }
            return false
        }
    }

    /// The first worksheet, row by row, into the rows file.
    final class SheetPart: NSObject, XMLParserDelegate {
        private let output: Int32
        private let path: String
        private let strings: [String]
        private let dates: Set<Int>
        private let date1904: Bool
        private var buffer: [UInt8] = []
        private(set) var failure: SystemError?

        private var linesWritten = 0
        private var row: [Int: String] = [:]
        private var rowNumber = 0
        private var column = 0
        private var cellType = ""
        private var cellStyle = 0
        private var value = ""
        private var inValue = false
        private var inInline = false

        init(output: Int32, path: String, strings: [String], dates: Set<Int>, date1904: Bool) {
            self.output = output
            self.path = path
            self.strings = strings
            self.dates = dates
            self.date1904 = date1904
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            switch local(name) {
            case "row":
                rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
                row = [:]
                column = 0
            case "c":
                column = attributes["r"].flatMap(Self.columnIndex) ?? column + 1
                cellType = attributes["t"] ?? "n"
                cellStyle = attributes["s"].flatMap(Int.init) ?? 0
                value = ""
            case "v":
                inValue = true
            case "is":
                inInline = true
            case "t" where inInline:
                inValue = true
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if inValue { value += string }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch local(name) {
            case "v", "t":
                inValue = false
            case "is":
                inInline = false
            case "c":
                let text = shown()
                if !text.isEmpty { row[column] = text }
            case "row":
                writeRow()
                if failure != nil { parser.abortParsing() }
            default:
                break
            }
        }

        /// The cell's text as Excel shows it (see `WorkbookConverter`).
        private func shown() -> String {
            switch cellType {
            case "s": return Int(value).flatMap { $0 < strings.count ? strings[$0] : nil } ?? ""
            case "inlineStr", "str": return value
            case "d": return String(value.prefix(10))  // ISO 8601, strict OOXML
            case "b": return value == "1" ? "TRUE" : "FALSE"
            case "e": return value
            default:
                guard let number = Double(value.trimmingSpaces()) else { return value }
                if dates.contains(cellStyle), let day = Self.day(serial: number, date1904: date1904) { return day.iso }
                return Self.digits(number, literal: value)
            }
        }

        /// A number as Excel's General format shows it: whole numbers without a point.
        static func digits(_ number: Double, literal: String) -> String {
            if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
            let short = String(format: "%.15g", number)
            return short.contains("e") ? literal : short
        }

        /// The day of a date serial: 1900 system (with Excel's fictitious 29 February 1900,
        /// serial 60) or 1904 system.
        static func day(serial: Double, date1904: Bool) -> Day? {
            guard serial >= 0, serial < 2_958_466 else { return nil }
            let whole = Int(serial.rounded(.down))
            if date1904 { return Day(iso: "1904-01-01")?.adding(days: whole) }
            guard whole >= 1 else { return nil }
            return Day(iso: "1899-12-31")?.adding(days: whole < 60 ? whole : whole - 1)
        }

        /// `A` → 1, `Z` → 26, `AA` → 27, from a reference like `AB12`.
        static func columnIndex(_ reference: String) -> Int? {
            var index = 0
            for byte in reference.utf8 {
                let upper = byte & ~0x20
                guard upper >= 0x41 && upper <= 0x5A else { break }
                index = index * 26 + Int(upper - 0x40)
            }
            return index > 0 ? index : nil
        }

        private func writeRow() {
            // One line per sheet row: empty lines for rows the sheet skips.
            while linesWritten < rowNumber - 1 {
                buffer.append(UInt8(ascii: "\n"))
                linesWritten += 1
            }
            if let last = row.keys.max() {
                let cells = (1...last).map { JSONValue.string(row[$0] ?? "") }
                var line = ""
                JSONWriter.write(.array(cells), to: &line)
                buffer.append(contentsOf: line.utf8)
            }
            buffer.append(UInt8(ascii: "\n"))
            linesWritten += 1
            if buffer.count > 1 << 16 { flush() }
        }

        func flush() {
            guard failure == nil else { return }
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes { raw in write(output, raw.baseAddress! + offset, raw.count - offset) }
                guard written > 0 else {
                    failure = .last(.write, path)
                    return
                }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// An element's name without its namespace prefix.
    static func local(_ name: String) -> Substring {
        name.lastIndex(of: ":").map { name[name.index(after: $0)...] } ?? name[...]
    }
}

private func local(_ name: String) -> Substring { WorkbookConverter.local(name) }
