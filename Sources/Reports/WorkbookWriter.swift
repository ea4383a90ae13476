import Domain

/// Writes an Excel workbook (`.xlsx`) of one sheet, row by row, through an `AtomicFile`:
/// the header row bold and frozen, rejected rows highlighted, dates as dates, every other
/// cell as text (never a formula, whatever it starts with).
///
/// The zip is written here rather than with a zip library: its entries are stored (not
/// compressed), with the sheet's size and checksum after its data, so the sheet streams
/// straight into the output in one pass and every write failure is a `SystemError` of
/// the output's, like any other result's.
final class WorkbookWriter {
    private let output: any ByteOutput
    private var zip: ZipStream
    private var rowNumber = 0
    private let columns: Int

    /// Starts the workbook with `header`.
    init(output: any ByteOutput, header: [String]) throws(SystemError) {
        self.output = output
        columns = header.count
        zip = ZipStream()
        for (name, text) in Self.fixedParts {
            try output.write(bytes: zip.stored(name, Array(text.utf8)))
        }
        try output.write(bytes: zip.begin("xl/worksheets/sheet1.xml"))
        try sheet(Self.sheetStart)
        try write(header.map { .text($0) }, style: .header)
    }

    /// A cell: text, or a day shown as a date.
    enum Cell {
        case text(String)
        case day(Day)
    }

    enum RowStyle { case header, plain, highlighted }

    /// Appends one row.
    func write(_ cells: [Cell], style: RowStyle) throws(SystemError) {
        rowNumber += 1
        var xml = "<row r=\"\(rowNumber)\">"
        for (index, cell) in cells.enumerated() {
            let reference = Self.column(index) + String(rowNumber)
            switch cell {
            case .text(let text):
                guard !text.isEmpty else { continue }
                let styleIndex = style == .header ? 1 : style == .highlighted ? 2 : 0
                let space = text.first == " " || text.last == " " || text.contains("\n") ? " xml:space=\"preserve\"" : ""
                xml += "<c r=\"\(reference)\" t=\"inlineStr\"\(styleIndex > 0 ? " s=\"\(styleIndex)\"" : "")><is><t\(space)>\(Self.escaped(text))</t></is></c>"
            case .day(let day):
                let styleIndex = style == .highlighted ? 4 : 3
                xml += "<c r=\"\(reference)\" s=\"\(styleIndex)\"><v>\(Self.serial(day))</v></c>"
            }
        }
        try sheet(xml + "</row>")
    }

    /// Ends the sheet and the zip; `output.commit()` puts the workbook in place.
    func end() throws(SystemError) {
        try sheet("</sheetData></worksheet>")
        try output.write(bytes: zip.end())
        try output.flush()
    }

    private func sheet(_ text: String) throws(SystemError) {
        let bytes = Array(text.utf8)
        zip.add(bytes)
        try output.write(bytes: bytes)
    }

    /// The 1900-system serial of `day` (days since 30 December 1899).
    static func serial(_ day: Day) -> Int { day.ordinal - Day(iso: "1899-12-30")!.ordinal }

    /// `A`, `B`, … `Z`, `AA` for a zero-based column.
    static func column(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            let remainder = (index - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            index = (index - 1) / 26
        }
        return name
    }

    /// Text for XML: markup escaped, and the control characters XML 1.0 cannot hold dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let sheetStart = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="\(main)"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>
        """

    /// The parts every workbook has: content types, relationships, the workbook, styles
    /// (0 plain, 1 header bold, 2 highlighted, 3 date, 4 highlighted date).
    private static let fixedParts: [(String, String)] = [
        ("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """),
        ("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """),
        ("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="\(main)" xmlns:r="\(relationships)"><sheets><sheet name="Results" sheetId="1" r:id="rId1"/></sheets></workbook>
            """),
        ("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="\(relationships)/styles" Target="styles.xml"/></Relationships>
            """),
        ("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="\(main)"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFill="1"/></cellXfs></styleSheet>
            """),
    ]
}

/// A zip archive of stored entries, written in order: each entry's local header, its
/// bytes, and at the end the central directory (ZIP 2.0; no ZIP64, so under 4 GiB).
struct ZipStream {
    private struct Record {
        let name: [UInt8]
        let offset: UInt32
        var crc: UInt32
        var size: UInt32
        let descriptor: Bool
    }

    private var records: [Record] = []
    private var offset: UInt32 = 0
    private var crc = CRC32()
    private var size: UInt32 = 0

    /// An entry whose bytes are all here: header and bytes.
    mutating func stored(_ name: String, _ bytes: [UInt8]) -> [UInt8] {
        var checksum = CRC32()
        checksum.update(bytes)
        let record = Record(name: Array(name.utf8), offset: offset, crc: checksum.value, size: UInt32(bytes.count), descriptor: false)
        records.append(record)
        let header = localHeader(record)
        offset += UInt32(header.count + bytes.count)
        return header + bytes
    }

    /// Starts an entry whose bytes follow through `add`; its size and checksum come
    /// after them, in a data descriptor written by `end`.
    mutating func begin(_ name: String) -> [UInt8] {
        let record = Record(name: Array(name.utf8), offset: offset, crc: 0, size: 0, descriptor: true)
        records.append(record)
        crc = CRC32()
        size = 0
        let header = localHeader(record)
        offset += UInt32(header.count)
        return header
    }

    mutating func add(_ bytes: [UInt8]) {
        crc.update(bytes)
        size += UInt32(bytes.count)
    }

    /// Ends the open entry (its data descriptor) and writes the central directory.
    mutating func end() -> [UInt8] {
        var out: [UInt8] = []
        if records.last?.descriptor == true {
            records[records.count - 1].crc = crc.value
            records[records.count - 1].size = size
            offset += size
            out += le32(0x0807_4B50) + le32(crc.value) + le32(size) + le32(size)
            offset += 16
        }
        let directoryStart = offset
        for record in records {
            out += le32(0x0201_4B50) + le16(20) + le16(20) + le16(record.descriptor ? 0x0808 : 0x0800) + le16(0)
                + le16(0) + le16(0x21) + le32(record.crc) + le32(record.size) + le32(record.size)
                + le16(UInt16(record.name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(record.offset)
                + record.name
        }
        let directorySize = UInt32(out.count) - (records.last?.descriptor == true ? 16 : 0)
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(records.count)) + le16(UInt16(records.count))
            + le32(directorySize) + le32(directoryStart) + le16(0)
        return out
    }

    private func localHeader(_ record: Record) -> [UInt8] {
        // Version 2.0; UTF-8 names (bit 11); sizes after the data (bit 3) when streamed;
        // stored; a fixed date (1 January 1980, 00:00): same rows, same bytes.
        le32(0x0403_4B50) + le16(20) + le16(record.descriptor ? 0x0808 : 0x0800) + le16(0) + le16(0) + le16(0x21)
            + le32(record.crc) + le32(record.size) + le32(record.size) + le16(UInt16(record.name.count)) + le16(0)
            + record.name
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

/// CRC-32 (IEEE 802.3), as zip needs it.
struct CRC32 {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    private var state: UInt32 = 0xFFFF_FFFF

    mutating func update(_ bytes: [UInt8]) {
        var crc = state
        for byte in bytes { crc = Self.table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        state = crc
    }

    var value: UInt32 { state ^ 0xFFFF_FFFF }
}
