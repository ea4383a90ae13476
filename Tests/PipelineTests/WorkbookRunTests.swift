import Domain
import Foundation
import Parsers
import Store
import Testing
@testable import Pipeline
import TestSupport

@Suite("Workbooks through a run")
struct WorkbookRunTests {
    /// A submission (any format) as Excel would save it: TRNs typed as numbers, dates as
    /// date serials, the rest as shared strings; `#` comment lines and blank lines dropped;
    /// JSON keys become the header (their template names).
    static func workbook(from path: String) throws -> Data {
        let reader = try SubmissionReader(path: path)
        var records: [SourceRow] = []
        while let row = try reader.next() { if !row.isBlank { records.append(row) } }
        var header = reader.header ?? []
        if reader.header == nil {
            for row in records {
                for cell in row.cells where !header.contains(cell.field?.header ?? cell.key) { header.append(cell.field?.header ?? cell.key) }
            }
        }
        var rows: [[TestWorkbook.Cell]] = [header.map { .text($0) }]
        let epoch = Day(iso: "1899-12-30")!
        for record in records {
            let byColumn = Dictionary(record.cells.map { ($0.field?.header ?? $0.key, $0) }, uniquingKeysWith: { a, _ in a })
            rows.append(header.map { column in
                guard let cell = byColumn[column] else { return .empty }
                let text = cell.value.text ?? ""
                if text.isEmpty { return .empty }
                if cell.field == .trn, text.allSatisfy(\.isNumber), !text.hasPrefix("0") { return .number(text) }
                if cell.field?.isEventDate == true || cell.field == .dateOfBirth, let day = Day(iso: text) {
                    return .date(Double(day.ordinal - epoch.ordinal))
                }
                return .text(text)
            })
        }
        return try TestWorkbook.data(rows)
    }

    /// Each submission's verdicts, in row order: status and codes.
    static func verdicts(_ world: SampleWorld) throws -> [String: [String]] {
        let store = try Store(location: world.root.store)
        let rows = try store.read { tx in
            try tx.rows("""
                SELECT s.submitter_id, s.file_name, v.status, v.error_codes, v.warning_codes
                FROM row_verdicts v JOIN submissions s ON s.id = v.submission_id ORDER BY s.id, v.row_number
                """)
        }
        var verdicts: [String: [String]] = [:]
        for row in rows {
            let stem = FileProcessor.resultStem(of: row[1])
            verdicts[row[0] + "/" + stem, default: []].append(row[2...].joined(separator: " "))
        }
        return verdicts
    }

    @Test("every sample submission (CSV, JSON, NDJSON, XML) saved as a workbook gets the same verdicts, a workbook result and a CSV archive copy")
    func sameVerdicts() throws {
        let csvWorld = try SampleWorld()
        _ = try csvWorld.run()
        let expected = try Self.verdicts(csvWorld)

        let world = try SampleWorld()
        var converted: [String] = []
        for path in try FileManager.default.subpathsOfDirectory(atPath: world.root.inbox) where path.contains(".") {
            let file = world.root.inbox + "/" + path
            // A file refused before its rows are read (unknown columns, a broken quote) has no workbook twin.
            guard let data = try? Self.workbook(from: file) else { continue }
            let stem = FileProcessor.resultStem(of: path)
            let xlsx = world.root.inbox + "/" + stem + ".xlsx"
            try FileManager.default.removeItem(atPath: file)
            try data.write(to: URL(fileURLWithPath: xlsx))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: xlsx)
            converted.append(stem)
        }
        #expect(converted.count >= 17, "\(converted)")
        let summary = try world.run()
        #expect(summary.faults.isEmpty)
        let got = try Self.verdicts(world)
        let archived = world.archived()
        for path in converted {
            let parts = path.split(separator: "/")
            let key = "\(parts[1])/\(parts[2])"
            // A line of an NDJSON file that is not JSON has no cells to save in a workbook.
            #expect(got[key] == expected[key]?.filter { !$0.contains("json.") }, "\(path)")
            if got[key] != nil {
                #expect(FileManager.default.fileExists(atPath: world.root.outbox + "/" + path + ".results.xlsx"), "\(path)")
                #expect(archived["2026-11-20/" + path + ".xlsx.csv"] != nil, "\(path)")
            }
        }
        #expect(got.count == expected.count)
        #expect(summary.accepted == 52 && summary.rejected == 89 - 1, "the sample's one NDJSON line that is not JSON aside")
    }
}
