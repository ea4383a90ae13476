import Domain
import Foundation
import Parsers
import Testing
@testable import Reports
import TestSupport

@Suite("Result files")
struct RowFileWriterTests {
    let folder = Scratch.path("ect-reports")

    func row(_ cells: [(String, JSONValue)], number: Int = 2) -> SourceRow {
        SourceRow(number: number, cells: cells.map { SourceCell(key: $0.0, value: $0.1, field: Field(header: $0.0)) })
    }

    /// The file's text, byte order mark and all.
    func read(_ path: String) throws -> String { String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) }

    @Test("a CSV result echoes the row, blanks personal data, neutralises formulas and adds the verdict")
    func csv() throws {
        let path = folder + "/a.results.csv"
        let writer = try RowFileWriter(output: AtomicFile(path: path), format: .csv, mode: .result, kind: .claims,
                                       header: ["TRN", "Date of birth", "Notes"])
        try writer.write(row([("TRN", .string("1234567")), ("Date of birth", .string("1990-01-01")), ("Notes", .string("=1+1"))]),
                         RowOutcome(status: .accepted))
        try writer.write(row([("TRN", .string("x")), ("Date of birth", .string("1990-01-01")), ("Notes", .string("a, b"))]),
                         RowOutcome(status: .rejected, errors: [Problem(.trnFormat, "Bad TRN."), Problem(.dobAge, "Too old.")]))
        #expect(!FileManager.default.fileExists(atPath: path), "nothing is visible before finish")
        try writer.finish(counts: ResultCounts())
        #expect(try read(path) == """
            \u{FEFF}TRN,Date of birth,Notes,Status,Errors,Warnings\r
            1234567,,'=1+1,accepted,,\r
            x,,"a, b",rejected,trn.format: Bad TRN. | dob.age: Too old.,\r

            """)
    }

    @Test("an extensions result carries each accepted row's extension ID")
    func extensionColumn() throws {
        let path = folder + "/e.results.csv"
        let writer = try RowFileWriter(output: AtomicFile(path: path), format: .csv, mode: .result, kind: .extensions,
                                       header: ["TRN"])
        try writer.write(row([("TRN", .string("1234567"))]), RowOutcome(status: .accepted, extensionID: 12))
        try writer.finish(counts: ResultCounts())
        #expect(try read(path) == "\u{FEFF}TRN,Status,Errors,Warnings,Extension ID\r\n1234567,accepted,,,12\r\n")
    }

    @Test("a JSON result keeps the records' values and ends with counts by code")
    func json() throws {
        let path = folder + "/a.results.json"
        let writer = try RowFileWriter(output: AtomicFile(path: path), format: .json, mode: .result, kind: .claims, header: nil)
        var counts = ResultCounts()
        let outcomes = [RowOutcome(status: .accepted), RowOutcome(status: .rejected, errors: [Problem(.trnFormat, "Bad.")])]
        for (index, outcome) in outcomes.enumerated() {
            counts.add(outcome)
            try writer.write(row([("trn", .number("123456\(index)")), ("national_insurance_number", .string("QQ123456C"))]), outcome)
        }
        try writer.finish(counts: counts)
        let text = try read(path)
        #expect(!text.contains("QQ123456C"))
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(object["schemaVersion"] as? Int == 1)
        let records = object["records"] as! [[String: Any]]
        #expect(records.map { $0["status"] as? String } == ["accepted", "rejected"])
        #expect(records[0]["trn"] as? Int == 1_234_560)
        let countsObject = object["counts"] as! [String: Any]
        #expect(countsObject["rejected"] as? Int == 1)
        #expect((countsObject["byCode"] as? [String: Int]) == ["trn.format": 1])
    }

    @Test("a CSV archive copy is the rows alone, with no byte order mark: it is the input kept, not a result")
    func csvArchive() throws {
        let path = folder + "/a.csv"
        let writer = try RowFileWriter(output: AtomicFile(path: path), format: .csv, mode: .archive, kind: .claims,
                                       header: ["TRN", "Date of birth"])
        try writer.write(row([("TRN", .string("1234567")), ("Date of birth", .string("1990-01-01"))]), nil)
        try writer.finish(counts: ResultCounts())
        #expect(try read(path) == "TRN,Date of birth\r\n1234567,\r\n")
    }

    @Test("an NDJSON archive copy is the records alone, without personal data")
    func archive() throws {
        let path = folder + "/a.ndjson"
        let writer = try RowFileWriter(output: AtomicFile(path: path), format: .ndjson, mode: .archive, kind: .claims, header: nil)
        try writer.write(row([("trn", .string("1")), ("date_of_birth", .string("1990-01-01"))]), nil)
        try writer.finish(counts: ResultCounts())
        #expect(try read(path) == "{\"trn\":\"1\",\"date_of_birth\":\"\"}\n")
    }

    @Test("a file with no readable row gets one refused line", arguments: [
        (FileFormat.csv, "\u{FEFF}Status,Errors\r\nrefused,file.empty: Empty.\r\n"),
        (.ndjson, "{\"status\":\"refused\",\"errors\":[{\"code\":\"file.empty\",\"message\":\"Empty.\"}]}\n"),
    ])
    func refusal(_ format: FileFormat, _ expected: String) throws {
        let path = folder + "/r.results"
        let output = try AtomicFile(path: path)
        try RowFileWriter.writeRefusal(Problem(.fileEmpty, "Empty."), format: format, to: output)
        #expect(access(path, F_OK) != 0, "nothing is in place before the commit")
        try output.commit()
        #expect(try read(path) == expected)
    }

    @Test("formula-like cells are neutralised", arguments: ["=SUM(A1)", "+1", "-1", "@x", "\tx", "\rx"])
    func neutralise(_ cell: String) {
        #expect(CSVFormatting.neutralised(cell) == "'" + cell)
    }

    @Test("CSV cells are quoted when a comma, quote, line break or edge space needs it; formulas made inert inside the quotes",
          arguments: [
              ("plain", "plain"), ("", ""), ("Zoë", "Zoë"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""),
              ("two\nlines", "\"two\nlines\""), ("cr\r", "\"cr\r\""), (" lead", "\" lead\""), ("trail ", "\"trail \""),
              ("=1+2", "'=1+2"), ("=a,b", "\"'=a,b\""), ("-x ", "\"'-x \""), (" =x", "\" =x\""), ("\rx", "\"'\rx\""),
          ])
    func csvCells(_ cell: String, _ expected: String) {
        #expect(CSVFormatting.line([cell, "z"], neutralise: true) == expected + ",z\r\n")
        #expect(CSVFormatting.line(["=1"], neutralise: false) == "=1\r\n")
    }

    @Test("a discarded file leaves nothing behind")
    func discard() throws {
        let file = try AtomicFile(path: folder + "/gone.csv")
        try file.write("x")
        file.discard()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test("a temporary file left with bytes in it is emptied before writing; an empty one is used as it is")
    func reusedTemporary() throws {
        let stale = folder + "/stale.tmp", empty = folder + "/empty.tmp"
        try Directories.create(folder)
        try Data("left over from a killed run, longer than what follows".utf8).write(to: URL(fileURLWithPath: stale))
        try Data().write(to: URL(fileURLWithPath: empty))
        for (temporary, name) in [(stale, "a.csv"), (empty, "b.csv")] {
            let file = try AtomicFile(path: folder + "/" + name, temporaryPath: temporary)
            try file.write("new\n")
            try file.commit()
            #expect(try String(contentsOfFile: folder + "/" + name, encoding: .utf8) == "new\n")
            #expect(!FileManager.default.fileExists(atPath: temporary))
        }
    }
}
