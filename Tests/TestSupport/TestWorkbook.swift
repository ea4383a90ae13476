import Foundation
import ZIPFoundation

/// Builds `.xlsx` workbooks for tests, the way Excel writes them: deflated parts, shared
/// strings, numbers, date serials under a date style, optionally the 1904 date system.
public enum TestWorkbook {
    public enum Cell: Sendable {
        /// A shared string.
        case text(String)
        /// An inline string.
        case inline(String)
        /// A number, as Excel stores it.
        case number(String)
        /// A date serial under a date style.
        case date(Double)
        /// A formula and its cached value.
        case formula(String, cached: String)
        case empty
    }

    /// A workbook whose first sheet holds `rows`, row `i` at sheet row `i + 1 + skip(i)`.
    public static func data(_ rows: [[Cell]], date1904: Bool = false, skipRowsBefore: Set<Int> = [],
                            sheetPrefix: String = "") throws -> Data {
        var strings: [String] = []
        var index: [String: Int] = [:]
        var sheet = sheetPrefix + "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        var rowNumber = 0
        for (position, row) in rows.enumerated() {
            rowNumber += skipRowsBefore.contains(position) ? 2 : 1
            sheet += "<row r=\"\(rowNumber)\">"
            for (column, cell) in row.enumerated() {
                let reference = columnName(column) + String(rowNumber)
                switch cell {
                case .text(let text):
                    let id = index[text] ?? { strings.append(text); index[text] = strings.count - 1; return strings.count - 1 }()
                    sheet += "<c r=\"\(reference)\" t=\"s\"><v>\(id)</v></c>"
                case .inline(let text):
                    sheet += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(escape(text))</t></is></c>"
                case .number(let text):
                    sheet += "<c r=\"\(reference)\"><v>\(text)</v></c>"
                case .date(let serial):
                    sheet += "<c r=\"\(reference)\" s=\"1\"><v>\(serial)</v></c>"
                case .formula(let formula, let cached):
                    sheet += "<c r=\"\(reference)\" t=\"str\"><f>\(escape(formula))</f><v>\(escape(cached))</v></c>"
                case .empty:
                    break
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        let shared = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"\(strings.count)\" uniqueCount=\"\(strings.count)\">"
            + strings.map { "<si><t xml:space=\"preserve\">\(escape($0))</t></si>" }.joined() + "</sst>"
        return try zip([
            ("[Content_Types].xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"),
            ("_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"),
            ("xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">\(date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>")<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId7\"/><sheet name=\"Sheet2\" sheetId=\"2\" r:id=\"rId8\"/></sheets></workbook>"),
            ("xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet2.xml\"/><Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"),
            ("xl/styles.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\"><numFmt numFmtId=\"165\" formatCode=\"[$-809]dd\\/mm\\/yyyy;@\"/></numFmts><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"165\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>"),
            ("xl/sharedStrings.xml", shared),
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/worksheets/sheet2.xml", "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>not read</t></is></c></row></sheetData></worksheet>"),
        ])
    }

    /// A zip of `parts`, deflated.
    public static func zip(_ parts: [(String, String)]) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, text) in parts {
            let bytes = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: .deflate) { position, size in
                bytes.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return archive.data!
    }

    /// A zip with one entry of `size` zero bytes, deflated (about 1,000 to 1).
    public static func bomb(size: Int) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(with: "xl/workbook.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate) { _, chunk in
            Data(count: chunk)
        }
        return archive.data!
    }

    static func columnName(_ index: Int) -> String {
        var index = index + 1
        var name = ""
        while index > 0 {
            name = String(UnicodeScalar(UInt8(65 + (index - 1) % 26))) + name
            index = (index - 1) / 26
        }
        return name
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
