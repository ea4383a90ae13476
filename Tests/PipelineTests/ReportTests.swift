import Domain
import Parsers
import Foundation
import Testing
@testable import Pipeline
import Reports
import Store
import TestSupport

/// The statistics reports on the sample world, as of 2026-11-20.
@Suite("Statistics reports")
struct ReportTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

    /// The sample world after one run, with timings pinned so that reports are repeatable.
    static func world() throws -> SampleWorld {
        let world = try SampleWorld()
        _ = try world.run(runID: "golden")
        let store = try Store(location: world.root.store)
        try store.write { tx in
            _ = try tx.rows("UPDATE runs SET duration_ms = 1500")
            _ = try tx.rows("UPDATE submissions SET duration_ms = id")
        }
        try ReportBuilder(store: store).write(root: world.root, runs: ["golden"])
        return world
    }

    @Test("CSV tables and summary.json match the golden files", arguments: ["latest", "runs/golden"])
    func golden(_ folder: String) throws {
        let world = try Self.world()
        let written = try world.files(under: world.root.reports + "/" + folder).filter { !$0.key.hasSuffix(".html") }
        let goldenFolder = Self.golden + "/" + folder.replacingOccurrences(of: "runs/", with: "run-")
        if ProcessInfo.processInfo.environment["ECT_RECORD_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(atPath: goldenFolder)
            try FileManager.default.createDirectory(atPath: goldenFolder, withIntermediateDirectories: true)
            for (name, data) in written {
                let path = goldenFolder + "/" + name
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: path))
            }
        }
        let expected = Array(Folder.files(under: goldenFolder).keys)
        #expect(Set(written.keys) == Set(expected))
        for name in expected {
            let want = FileManager.default.contents(atPath: goldenFolder + "/" + name)
            #expect(written[name] == want, "\(folder)/\(name) differs from its golden file (ECT_RECORD_GOLDEN=1 re-records)")
        }
    }

    @Test("secondary suppression: after it, no tie between published figures has exactly one hidden cell, and nothing derived from a hidden cell shows",
          arguments: [2, 3, 5, 8, 13, 30])
    func secondarySuppression(_ threshold: Int) throws {
        let world = try Self.world()
        let builder = ReportBuilder(store: try Store(location: world.root.store))
        for report in [try builder.runReport("golden"), try builder.programmeReport(from: nil, to: nil)] {
            #expect(!report.relations.isEmpty)
            let suppressed = report.suppressing(below: threshold)
            for relation in report.relations {
                let hidden = relation.filter { suppressed[$0] == .suppressed }
                #expect(hidden.count != 1, "\(report.title): \(relation) leaves \(hidden) alone")
            }
            for derivation in report.derivations where derivation.from.contains(where: { suppressed[$0] == .suppressed }) {
                #expect(suppressed[derivation.cell] == .suppressed || suppressed[derivation.cell] == .none, "\(derivation.cell)")
            }
        }
    }

    @Test("the ties are true: each relation's total is the sum of its parts in the unsuppressed report")
    func relationsHold() throws {
        let world = try Self.world()
        let builder = ReportBuilder(store: try Store(location: world.root.store))
        let run = try builder.runReport("golden"), latest = try builder.programmeReport(from: nil, to: nil)
        func value(_ report: Report, _ ref: Report.CellRef) -> Int {
            if case .count(let n) = report[ref] { return n }
            return 0
        }
        // Row sums: the first cell is the total of the others.
        for (report, table) in [(run, "files-and-rows"), (latest, "by-appropriate-body"), (latest, "rejection-rates")] {
            for relation in report.relations where relation.allSatisfy({ if case .cell(let t, _, _) = $0 { t == table } else { false } })
                && Set(relation.map { if case .cell(_, let row, _) = $0 { row } else { -1 } }).count == 1 {
                #expect(value(report, relation[0]) == relation.dropFirst().reduce(0) { $0 + value(report, $1) })
            }
        }
        // Column sums against headlines.
        #expect(run.column("Rejected", of: "files-and-rows").reduce(0) { $0 + value(run, $1) } == value(run, .headline("rejected")))
        #expect(latest.column("Passed", of: "by-appropriate-body").reduce(0) { $0 + value(latest, $1) } == value(latest, .headline("passed")))
        #expect(latest.column("Passed", of: "activity-by-term").reduce(0) { $0 + value(latest, $1) } == value(latest, .headline("passed")))
        #expect(latest.column("Inductions started", of: "activity-by-term").reduce(0) { $0 + value(latest, $1) }
                == latest.column("Periods", of: "by-appropriate-body").reduce(0) { $0 + value(latest, $1) })
        #expect(latest.column("Induction periods", of: "by-start-term").reduce(0) { $0 + value(latest, $1) }
                == latest.column("Periods", of: "by-appropriate-body").reduce(0) { $0 + value(latest, $1) })
    }

    @Test("the analyst's case: with counts under 5 hidden, an accepted count cannot be worked out as rows minus rejected")
    func analystCase() throws {
        let world = try Self.world()
        let report = try ReportBuilder(store: try Store(location: world.root.store)).runReport("golden").suppressing(below: 5)
        let table = try #require(report.sections.first { $0.table.id == "files-and-rows" }?.table)
        let (rows, accepted, rejected) = (table.columns.firstIndex(of: "Rows")!, table.columns.firstIndex(of: "Accepted")!,
                                          table.columns.firstIndex(of: "Rejected")!)
        var hiddenAccepted = 0
        for row in table.rows where row[accepted] == .suppressed {
            hiddenAccepted += 1
            #expect(row[rows] == .suppressed || row[rejected] == .suppressed)
        }
        #expect(hiddenAccepted > 0, "the sample world has small accepted counts to hide")
    }

    @Test("activity is counted by when it happened: a pass recorded in November for an induction ending in July is a summer pass")
    func eventDates() throws {
        let world = try Self.world()
        let store = try Store(location: world.root.store)
        let table = try #require(try ReportBuilder(store: store).programmeReport(from: nil, to: nil).sections
            .first { $0.table.id == "activity-by-term" }?.table)
        let passed = try #require(table.columns.firstIndex(of: "Passed"))
        func row(_ term: String) -> [Report.Cell]? { table.rows.first { $0.first == .text(term) } }
        #expect(row("summer 2025/26")?[passed] == .count(2))
        #expect(row("autumn 2026/27")?[passed] == .count(0), "the run's own term (as of 2026-11-20) holds none of them")
        let started = try #require(table.columns.firstIndex(of: "Inductions started"))
        #expect(table.rows.reduce(0) { total, row in if case .count(let n) = row[started] { total + n } else { total } }
                == (try store.read { try $0.count("SELECT count(*) FROM induction_periods") }))
    }

    @Test("the HTML page holds every table and chart, and nothing that runs or loads")
    func html() throws {
        let world = try Self.world()
        let html = try String(contentsOfFile: world.root.reports + "/latest/report.html", encoding: .utf8)
        for id in ["runs", "activity-by-term", "by-appropriate-body", "by-programme", "by-start-term", "extensions",
                   "days-to-claim", "rejection-rates", "rejection-codes-all"] {
            #expect(html.contains("<section id=\"\(id)\">"), "\(id)")
        }
        #expect(html.components(separatedBy: "<svg ").count - 1 == 8)
        #expect(html.components(separatedBy: "<figcaption>").count - 1 == 8)
        #expect(!html.contains("<script"))
        #expect(!html.contains(" src=") && !html.contains("<link"))
        let run = try String(contentsOfFile: world.root.reports + "/runs/golden/report.html", encoding: .utf8)
        for id in ["files-and-rows", "rejection-codes", "refused-files", "slowest-files"] {
            #expect(run.contains("<section id=\"\(id)\">"), "\(id)")
        }
    }

    @Test("no name, date of birth, NINO, email or TRN from the inputs appears under reports/")
    func noPersonalData() throws {
        let world = try Self.world()
        let extract = try Parsers.TRSExtractReader.read(path: world.root.trs + "/trs.csv")
        var needles = extract.records.flatMap { record in
            [record.trn.description, record.lastName, record.nationalInsuranceNumber, record.dateOfBirth?.iso].compactMap { $0 }
        }
        needles += ["@stannes.sch.uk", "@riverside.org.uk", "@oakfield.org.uk", "Grace Mbeki"]
        for (name, data) in try world.files(under: world.root.reports) {
            let text = String(decoding: data, as: UTF8.self)
            for needle in needles where text.contains(needle) {
                Issue.record("reports/\(name) contains \(needle)")
            }
        }
    }

    @Test("small numbers are suppressed on request; zero and large counts are kept")
    func suppression() throws {
        let world = try Self.world()
        let store = try Store(location: world.root.store)
        try ReportBuilder(store: store).write(root: world.root, runs: [], suppressBelow: 5)
        let csv = String(decoding: try Data(contentsOf: URL(fileURLWithPath: world.root.reports + "/latest/by-appropriate-body.csv")), as: UTF8.self)
        // Secondary suppression hides Northern Lights' 19 open periods too (with the 20 "in
        // induction now" published, 20 - 19 would give away Capital City's 1), and its 25
        // periods (the 27 periods by local authority, less 25, would give away the 2).
        #expect(csv == "\u{FEFF}Appropriate body,Periods,Open,Passed,Failed,Released\r\nCapital City Appropriate Body,c,c,0,0,c\r\nNorthern Lights Teaching School Hub,c,c,c,c,c\r\n")
        let html = try String(contentsOfFile: world.root.reports + "/latest/report.html", encoding: .utf8)
        #expect(!html.contains("aria-label=\"Open and closed induction periods"), "a suppressed table's chart is dropped")
        let summary = try String(contentsOfFile: world.root.reports + "/latest/summary.json", encoding: .utf8)
        #expect(summary.contains("\"passed\":\"c\""))
    }

    @Test("terms run autumn (September–December), spring (January–April), summer (May–August)", arguments: [
        ("2025-09-01", "autumn 2025/26"), ("2025-12-31", "autumn 2025/26"), ("2026-01-05", "spring 2025/26"),
        ("2026-04-30", "spring 2025/26"), ("2026-05-01", "summer 2025/26"), ("2026-08-31", "summer 2025/26"),
    ])
    func terms(_ day: String, _ label: String) {
        #expect(ReportBuilder.term(of: Day(iso: day)!).label == label)
    }
}
