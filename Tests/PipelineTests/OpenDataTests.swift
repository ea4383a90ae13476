import Domain
import Foundation
import Parsers
import Store
import Testing
@testable import Pipeline
import Reports
import TestSupport

/// DfE's data screener's checks for EES open-data files (eesyscreener), the ones that
/// apply to files of this shape: file names, the standard columns, time and geography,
/// filters, indicators and the metadata file.
enum Screener {
    /// The open-data files every report writes.
    static let files = ["ect_induction_activity", "ect_mentor_registrations"]

    /// Each file's failures.
    static func checkAll(in root: DataRoot) throws -> [(String, [String])] {
        let folder = root.reports + "/latest/ees/"
        return try files.map { ($0, try check(data: folder + $0 + ".csv", meta: folder + $0 + ".meta.csv")) }
    }

    /// A published file's rows (the header first) and its columns by name.
    static func published(_ name: String, in root: DataRoot) throws -> (rows: [[String]], column: (String) -> Int) {
        let rows = try table(root.reports + "/latest/ees/\(name).csv")
        let header = rows[0]
        return (rows, { header.firstIndex(of: $0)! })
    }

    static func check(data path: String, meta metaPath: String) throws -> [String] {
        var failures: [String] = []
        let name = (path as NSString).lastPathComponent
        if name != name.lowercased() || name.contains(" ") || !name.hasSuffix(".csv") { failures.append("file name \(name)") }
        if (metaPath as NSString).lastPathComponent != name.dropLast(4) + ".meta.csv" { failures.append("meta file name") }
        let data = try table(path), meta = try table(metaPath)
        guard let header = data.first, let metaHeader = meta.first else { return ["empty file"] }
        // Column names: snake case, unique, the standard ones present.
        for column in header where column.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil {
            failures.append("column name \(column)")
        }
        if Set(header).count != header.count { failures.append("duplicate column names") }
        for required in ["time_period", "time_identifier", "geographic_level", "country_code", "country_name"] where !header.contains(required) {
            failures.append("missing \(required)")
        }
        // Metadata: its columns, one row per filter and indicator, nothing else.
        if metaHeader != OpenDataFile.metaColumns { failures.append("meta columns \(metaHeader)") }
        let described = meta.dropFirst().map { $0[0] }
        let observational = Set(header).subtracting(OpenDataFile.standardColumns)
        if Set(described) != observational { failures.append("meta rows \(described) for columns \(observational.sorted())") }
        var filters: [String] = [], indicators: [String] = []
        for row in meta.dropFirst() {
            guard row.count == 8 else { failures.append("meta row width \(row)"); continue }
            switch row[1] {
            case "Filter":
                filters.append(row[0])
                if !row[3].isEmpty || !row[4].isEmpty || !row[5].isEmpty { failures.append("filter \(row[0]) has indicator fields") }
            case "Indicator":
                indicators.append(row[0])
                if !row[5].isEmpty && Int(row[5]) == nil { failures.append("indicator_dp \(row[5])") }
                if !row[6].isEmpty || !row[7].isEmpty { failures.append("indicator \(row[0]) has filter fields") }
            default: failures.append("col_type \(row[1])")
            }
            if row[2].isEmpty { failures.append("label of \(row[0])") }
            if row[2].contains(",") == false && row[2] != row[2].trimmingCharacters(in: .whitespaces) { failures.append("label spaces") }
        }
        if indicators.isEmpty { failures.append("no indicator") }
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var seen = Set<[String]>()
        for (line, row) in data.dropFirst().enumerated() {
            func value(_ name: String) -> String { column[name].map { row[$0] } ?? "" }
            guard row.count == header.count else { failures.append("row \(line + 2) width"); continue }
            // Time: six digits, consecutive years, academic year.
            let period = value("time_period")
            if period.range(of: "^[0-9]{6}$", options: .regularExpression) == nil
                || Int(period.suffix(2))! != (Int(period.dropLast(2))! + 1) % 100 {
                failures.append("time_period \(period)")
            }
            if value("time_identifier") != "Academic year" { failures.append("time_identifier \(value("time_identifier"))") }
            if value("country_code") != "E92000001" || value("country_name") != "England" { failures.append("country on row \(line + 2)") }
            // Geography: each level's columns filled, the lower levels' empty.
            let region = value("region_code").range(of: "^E12[0-9]{6}$", options: .regularExpression) != nil && !value("region_name").isEmpty
            let la = value("old_la_code").range(of: "^[0-9]{3}$", options: .regularExpression) != nil
                && value("new_la_code").range(of: "^E(0[6-9]|10)[0-9]{6}$", options: .regularExpression) != nil && !value("la_name").isEmpty
            let noRegion = value("region_code").isEmpty && value("region_name").isEmpty
            let noLA = value("old_la_code").isEmpty && value("new_la_code").isEmpty && value("la_name").isEmpty
            switch value("geographic_level") {
            case "National": if !noRegion || !noLA { failures.append("national row \(line + 2) has lower geography") }
            case "Regional": if !region || !noLA { failures.append("regional row \(line + 2)") }
            case "Local authority": if !region || !la { failures.append("LA row \(line + 2)") }
            default: failures.append("geographic_level \(value("geographic_level"))")
            }
            // Filters filled; indicators numbers or GSS symbols, never blank.
            for filter in filters where value(filter).isEmpty { failures.append("blank filter on row \(line + 2)") }
            for indicator in indicators {
                let cell = value(indicator)
                if Int(cell) == nil && !["c", "z", "x", "low", "u"].contains(cell) { failures.append("\(indicator) \"\(cell)\" on row \(line + 2)") }
            }
            let key = ["time_period", "geographic_level", "region_code", "new_la_code"].map(value) + filters.map(value)
            if !seen.insert(key).inserted { failures.append("duplicate row \(line + 2)") }
        }
        // Every filter has a Total.
        for filter in filters where !data.dropFirst().contains(where: { $0[column[filter]!] == "Total" }) {
            failures.append("filter \(filter) has no Total")
        }
        return failures
    }

    static func table(_ path: String) throws -> [[String]] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        guard !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return [["a byte order mark"]] }
        let reader = try SubmissionReader(path: path)
        var rows = [reader.header ?? []]
        while let row = try reader.next() { rows.append(row.cells.map { $0.value.text ?? "" }) }
        return rows
    }
}

@Suite("Open data for EES")
struct OpenDataTests {
    /// The sample world with ECTs registered at Birmingham and Camden schools before their
    /// appropriate body claims them, so that periods have a place.
    static func world(suppressBelow: Int = 0) throws -> SampleWorld {
        let world = try SampleWorld()
        let registrations = """
            TRN,Date of birth,Email,School start date,Appropriate body
            3000001,1978-08-17,t3000001@school.example,2026-08-01,AB001
            3000002,1975-04-04,t3000002@school.example,2026-08-01,AB001
            """
        try Data(registrations.utf8).write(to: URL(fileURLWithPath: world.root.inbox + "/schools/100006/00-ects.csv"))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)],
                                              ofItemAtPath: world.root.inbox + "/schools/100006/00-ects.csv")
        _ = try world.run()
        try ReportBuilder(store: try Store(location: world.root.store)).write(root: world.root, runs: [], suppressBelow: suppressBelow)
        return world
    }

    @Test("the activity file and its metadata pass the screener's checks, suppressed or not", arguments: [0, 5])
    func screener(_ threshold: Int) throws {
        let world = try Self.world(suppressBelow: threshold)
        for (name, failures) in try Screener.checkAll(in: world.root) {
            #expect(failures.isEmpty, "\(name): \(failures)")
        }
    }

    @Test("periods with a known school are counted at their local authority and region, every period nationally")
    func geography() throws {
        let world = try Self.world()
        let (rows, column) = try Screener.published("ect_induction_activity", in: world.root)
        let started = rows.dropFirst().filter { $0[column("time_period")] == "202627" && $0[column("induction_programme")] == "Total" }
        let la = try #require(started.first { $0[column("geographic_level")] == "Local authority" })
        #expect(la[column("new_la_code")] == "E08000025" && la[column("old_la_code")] == "330" && la[column("la_name")] == "Birmingham")
        #expect(la[column("region_code")] == "E12000005")
        let region = try #require(started.first { $0[column("geographic_level")] == "Regional" })
        #expect(region[column("inductions_started")] == la[column("inductions_started")])
        let national = try #require(started.first { $0[column("geographic_level")] == "National" })
        #expect(Int(national[column("inductions_started")])! >= Int(la[column("inductions_started")])!)
        #expect(la[column("inductions_started")] == "2", "the two ECTs registered at St Anne's, Birmingham, then claimed")
    }

    @Test("suppressed for publication: small counts are c, and a region that is one LA is hidden with it")
    func suppression() throws {
        let world = try Self.world(suppressBelow: 5)
        let (rows, column) = try Screener.published("ect_induction_activity", in: world.root)
        let started = rows.dropFirst().filter { $0[column("time_period")] == "202627" && $0[column("induction_programme")] == "Total" }
        for row in started where row[column("geographic_level")] != "National" {
            #expect(row[column("inductions_started")] == "c")
        }
        // Each programme pair and its total: never exactly one hidden.
        let keyColumns = ["time_period", "geographic_level", "region_code", "new_la_code"].map(column)
        let groups = Dictionary(grouping: rows.dropFirst()) { row in keyColumns.map { row[$0] } }
        for (_, group) in groups {
            for indicator in ["inductions_started", "inductions_released", "inductions_passed", "inductions_failed"] {
                #expect(group.filter { $0[column(indicator)] == "c" }.count != 1)
            }
        }
    }

    @Test("registrations are counted by the academic year of the school start date, at the school's LA, for ECTs and mentors")
    func registrations() throws {
        let world = try Self.world()
        let (rows, column) = try Screener.published("ect_mentor_registrations", in: world.root)
        let store = try Store(location: world.root.store)
        for role in ["ect", "mentor"] {
            let stored = try store.read { try $0.count("SELECT count(*) FROM school_registrations WHERE role = ?", [role]) }
            let national = rows.dropFirst().filter {
                $0[column("geographic_level")] == "National" && $0[column("teacher_role")] == (role == "ect" ? "ECT" : "Mentor")
            }.reduce(0) { $0 + Int($1[column("registrations")])! }
            #expect(national == stored && stored > 0, "\(role): \(national) published, \(stored) stored")
        }
        let birmingham = rows.dropFirst().filter {
            $0[column("la_name")] == "Birmingham" && $0[column("time_period")] == "202627" && $0[column("teacher_role")] == "ECT"
        }
        #expect(birmingham.count == 1 && Int(birmingham[0][column("registrations")])! >= 2)
    }

    @Test("academic years run 1 September to 31 August", arguments: [("2025-09-01", "202526"), ("2026-08-31", "202526"), ("2026-09-01", "202627"), ("2099-12-31", "209900")])
    func academicYear(_ day: String, _ year: String) {
        #expect(OpenDataBuilder.academicYear(of: Day(iso: day)!) == year)
    }
}
