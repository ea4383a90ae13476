import Domain
import Foundation
import Parsers
import Store
import Testing
@testable import Pipeline
import TestSupport

@Suite("Workbooks through a run")
struct WorkbookRunTests {
    /// `csv` as Excel would save it: TRNs typed as numbers, dates as date serials, the
    /// rest as shared strings; `#` comment lines and blank lines dropped.
    static func workbook(from csv: String) throws -> Data {
        let reader = try SubmissionReader(path: csv)
        var rows: [[TestWorkbook.Cell]] = [(reader.header ?? []).map { .text($0) }]
        let epoch = Day(iso: "1899-12-30")!
        while let row = try reader.next() {
            if row.isBlank { continue }
            rows.append(row.cells.map { cell in
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
        let store = try Store(path: world.root.store)
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

    @Test("every sample CSV saved as a workbook gets the same verdicts, a workbook result and a CSV archive copy")
    func sameVerdicts() throws {
        let csvWorld = try SampleWorld()
        _ = try csvWorld.run()
        let expected = try Self.verdicts(csvWorld)

        let world = try SampleWorld()
        var converted: [String] = []
        for path in try FileManager.default.subpathsOfDirectory(atPath: world.root.inbox) where path.hasSuffix(".csv") {
            let csv = world.root.inbox + "/" + path
            // A file refused before its rows are read (unknown columns, a broken quote) has no workbook twin.
            guard let data = try? Self.workbook(from: csv) else { continue }
            let xlsx = String(csv.dropLast(4)) + ".xlsx"
            try data.write(to: URL(fileURLWithPath: xlsx))
            try FileManager.default.removeItem(atPath: csv)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: xlsx)
            converted.append(String(path.dropLast(4)))
        }
        #expect(converted.count >= 12)
        let summary = try world.run()
        #expect(summary.faults.isEmpty)
        let got = try Self.verdicts(world)
        for path in converted {
            let parts = path.split(separator: "/")
            let key = "\(parts[1])/\(parts[2])"
            #expect(got[key] == expected[key], "\(path)")
            if got[key] != nil {
                #expect(FileManager.default.fileExists(atPath: world.root.outbox + "/" + path + ".results.xlsx"), "\(path)")
                #expect(FileManager.default.fileExists(atPath: world.root.archive + "/2026-11-20/" + path + ".xlsx.csv"), "\(path)")
            }
        }
        #expect(got.count == expected.count)
        #expect(summary.accepted == 52 && summary.rejected == 91)
    }
}
