import Domain
import Foundation
@testable import Parsers
@testable import Reports
import Testing
import TestSupport

@Suite("Excel workbooks")
struct WorkbookTests {
    func reader(_ data: Data, name: String = "book.xlsx") throws -> SubmissionReader {
        let path = FileManagerShim.write("", name: name)
        try data.write(to: URL(fileURLWithPath: path))
        return try SubmissionReader(path: path)
    }

    func rows(_ reader: SubmissionReader) throws -> [SourceRow] {
        var rows: [SourceRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    @Test("the first sheet is read: shared and inline strings, a TRN typed as a number, dates as dates, formulas' cached values")
    func cells() throws {
        let book = try TestWorkbook.data([
            [.text("TRN"), .text("Date of birth"), .text("Induction programme"), .inline("Induction period start date"), .text("Notes")],
            [.number("1234567"), .date(32874), .text("school-led"), .date(46266), .formula("=A2&\"x\"", cached: "=A2x")],
            [.number("0123456"), .date(60), .text("Provider-led"), .number("46266"), .number("3.5")],
        ], skipRowsBefore: [2])
        let r = try reader(book)
        #expect(r.format == .xlsx)
        #expect(r.header == ["TRN", "Date of birth", "Induction programme", "Induction period start date", "Notes"])
        let read = try rows(r)
        #expect(read.count == 2)
        #expect(read[0].number == 2 && read[1].number == 4, "row numbers are the sheet's rows")
        #expect(read[0].input[.trn] == "1234567")
        #expect(read[0].input[.dateOfBirth] == "1990-01-01")
        #expect(read[0].input[.inductionStartDate] == "2026-09-01")
        #expect(read[0].cells[4].value.text == "=A2x")
        #expect(read[1].input[.trn] == "123456", "a number is its digits: Excel keeps no leading zero")
        #expect(read[1].input[.dateOfBirth] == "1900-02-28", "serial 60 is Excel's fictitious 29 February 1900")
        #expect(read[1].input[.inductionStartDate] == "46266", "a number without a date format stays a number")
        #expect(read[1].cells[4].value.text == "3.5")
    }

    @Test("the 1904 date system, where the workbook says so")
    func date1904() throws {
        let book = try TestWorkbook.data([[.text("TRN"), .text("Induction period start date")], [.number("1234567"), .date(44804)]],
                                         date1904: true)
        let row = try #require(try rows(try reader(book)).first)
        #expect(row.input[.inductionStartDate] == "2026-09-01")
    }

    @Test("Excel's serials, 1900 system", arguments: [(1.0, "1900-01-01"), (59, "1900-02-28"), (61, "1900-03-01"), (46266.75, "2026-09-01")])
    func serials(_ serial: Double, _ iso: String) {
        #expect(WorkbookConverter.SheetPart.day(serial: serial, date1904: false)?.iso == iso)
    }

    @Test("format codes that show dates", arguments: [("dd/mm/yyyy", true), ("[$-809]dd\\/mm\\/yyyy;@", true), ("0.00", false),
                                                      ("\"day\" 0", false), ("[Red]0", false), ("mmm-yy", true), ("General", false)])
    func dateFormats(_ code: String, _ isDate: Bool) {
        #expect(WorkbookConverter.StylesPart.isDateFormat(code) == isDate)
    }

    @Test("a zip bomb is refused with a reason, before it is inflated")
    func bomb() throws {
        let started = ProcessInfo.processInfo.systemUptime
        let data = try TestWorkbook.bomb(size: 64 << 20)
        #expect(data.count < 1 << 20)
        #expect { try reader(data) } throws: { ($0 as? ReadError)?.content?.code == .xlsxTooLarge }
        #expect(ProcessInfo.processInfo.systemUptime - started < 30)
    }

    @Test("too many parts, or a part over its size, are refused")
    func limits() throws {
        let path = FileManagerShim.write("", name: "limits.xlsx")
        try TestWorkbook.data([[.text("TRN")], [.number("1234567")]]).write(to: URL(fileURLWithPath: path))
        var few = WorkbookConverter.Limits()
        few.entries = 3
        #expect { try WorkbookConverter.convert(path: path, scratch: nil, limits: few) } throws: { ($0 as? ReadError)?.content?.code == .xlsxTooLarge }
        var small = WorkbookConverter.Limits()
        small.entryBytes = 100
        #expect { try WorkbookConverter.convert(path: path, scratch: nil, limits: small) } throws: { ($0 as? ReadError)?.content?.code == .xlsxTooLarge }
        #expect(throws: Never.self) { try WorkbookConverter.convert(path: path, scratch: nil) }
    }

    @Test("a part with a document type declaration is refused: no DTD or entity is read")
    func doctype() throws {
        let book = try TestWorkbook.data([[.text("TRN")], [.number("1234567")]],
                                         sheetPrefix: "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>")
        #expect { try reader(book) } throws: { ($0 as? ReadError)?.content?.code == .xmlDoctype }
    }

    @Test("a zip that is not a workbook is refused saying so", arguments: [false, true])
    func notAWorkbook(_ corrupt: Bool) throws {
        let data = corrupt ? Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0]) : try TestWorkbook.zip([("readme.txt", "hello")])
        #expect { try reader(data) } throws: { ($0 as? ReadError)?.content?.code == .xlsxInvalid }
    }

    @Test("a workbook result is a workbook our reader, and Python's zipfile, read back: cells, dates and all")
    func resultRoundTrip() throws {
        let path = FileManagerShim.write("", name: "r.results.xlsx")
        let writer = try RowFileWriter(output: AtomicFile(path: path), format: .xlsx, mode: .result, kind: .claims,
                                       header: ["TRN", "Date of birth", "Induction period start date", "Notes"])
        let cells: [(String, JSONValue)] = [("TRN", .string("1234567")), ("Date of birth", .string("1990-01-01")),
                                            ("Induction period start date", .string("2026-09-01")), ("Notes", .string("=SUM(A1) & <b>"))]
        try writer.write(SourceRow(number: 2, cells: cells.map { SourceCell(key: $0.0, value: $0.1, field: Field(header: $0.0)) }),
                         RowOutcome(status: .rejected, errors: [Problem(.trnFormat, "Bad.\nReally")]))
        try writer.finish(counts: ResultCounts())
        let read = try rows(try SubmissionReader(path: path))
        #expect(read.count == 1)
        #expect(read[0].input[.trn] == "1234567")
        #expect(read[0].input[.dateOfBirth] == nil, "the date of birth is blanked")
        #expect(read[0].input[.inductionStartDate] == "2026-09-01", "written as a date, read back as one")
        #expect(read[0].cells.first { $0.key == "Notes" }?.value.text == "=SUM(A1) & <b>", "text stays text")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(len(z.namelist()))", path]
        let out = Pipe()
        check.standardOutput = out
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        #expect(String(decoding: out.fileHandleForReading.readAll(), as: UTF8.self) == "6\n")
    }
}
