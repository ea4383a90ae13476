import Domain
import Reports
import Store

/// The open-data files analysts publish through Explore Education Statistics (EES), from
/// the store, by academic year at national, regional and local-authority level (see
/// README, "Open data"): induction activity by programme, and ECT and mentor registrations.
struct OpenDataBuilder {
    let store: Store

    static let activity = OpenDataFile(name: "ect_induction_activity", columns: [
        .filter("induction_programme", "Induction programme", hint: "Provider-led or school-led training"),
        .count("inductions_started", "Inductions started"),
        .count("inductions_released", "Induction periods ended in a release"),
        .count("inductions_passed", "Inductions passed"),
        .count("inductions_failed", "Inductions failed"),
    ])

    static let registrations = OpenDataFile(name: "ect_mentor_registrations", columns: [
        .filter("teacher_role", "Role", hint: "Early career teacher or mentor"),
        .count("registrations", "School registrations"),
    ])

    /// Where a count is counted: the LA of its school when that is known and in the
    /// local-authority lookup, with its region and the nation; the nation only otherwise.
    struct Place: Hashable, Comparable {
        let level: Int  // 0 national, 1 regional, 2 local authority
        let authority: LocalAuthority?

        static let national = Place(level: 0, authority: nil)

        static func < (a: Place, b: Place) -> Bool {
            (a.level, a.authority?.regionCode ?? "", a.authority?.newCode ?? "")
                < (b.level, b.authority?.regionCode ?? "", b.authority?.newCode ?? "")
        }
    }

    /// Counts by academic year, place and filter value, with the ties secondary
    /// suppression needs: the filter's values add up to its total; each region's LAs to
    /// the region; the regions to the nation where every count's place is known.
    struct GeographicTable {
        let file: OpenDataFile
        /// The filter's values, "Total" first.
        let filters: [String]
        let byOldCode: [String: LocalAuthority]
        let range: (first: String, last: String)
        private var counts: [String: [Place: [String: [Int]]]] = [:]
        private var unplaced: [String: [String: [Int]]] = [:]
        private var indicators: Int { file.columns.filter { $0.kind == .indicator }.count }

        init(file: OpenDataFile, filters: [String], authorities: [LocalAuthority], from: Day?, to: Day?) {
            self.file = file
            self.filters = filters
            byOldCode = Dictionary(authorities.map { ($0.oldCode, $0) }, uniquingKeysWith: { a, _ in a })
            range = (from?.iso ?? "0000-00-00", to?.iso ?? "9999-99-99")
        }

        /// Adds `count` to `indicator` for what happened on `day` at a school of LA
        /// `laCode`, under filter value `filter` (and the total).
        mutating func add(_ day: String, _ indicator: Int, filter: String, laCode: String, count: Int) {
            guard let date = Day(iso: day), day >= range.first, day <= range.last else { return }
            let year = OpenDataBuilder.academicYear(of: date)
            let zero = Array(repeating: 0, count: indicators)
            var places = [Place.national]
            if let authority = byOldCode[laCode] {
                places.append(Place(level: 1, authority: LocalAuthority(oldCode: "", newCode: "", name: "",
                                                                         regionCode: authority.regionCode, regionName: authority.regionName)))
                places.append(Place(level: 2, authority: authority))
            } else {
                for value in [filter, "Total"] { unplaced[year, default: [:]][value, default: zero][indicator] += count }
            }
            for place in places {
                for value in [filter, "Total"] {
                    counts[year, default: [:]][place, default: [:]][value, default: zero][indicator] += count
                }
            }
        }

        var report: Report {
            let zero = Array(repeating: 0, count: indicators)
            var table: [[Report.Cell]] = []
            var index: [String: Int] = [:]  // "year|place|filter" -> row
            func key(_ year: String, _ place: Place, _ filter: String) -> String {
                "\(year)|\(place.level)|\(place.authority?.regionCode ?? "")|\(place.authority?.newCode ?? "")|\(filter)"
            }
            for year in counts.keys.sorted() {
                for place in counts[year]!.keys.sorted() {
                    for filter in filters {
                        index[key(year, place, filter)] = table.count
                        table.append(OpenDataBuilder.geography(year, place).map(Report.Cell.text) + [.text(filter)]
                            + (counts[year]![place]![filter] ?? zero).map(Report.Cell.count))
                    }
                }
            }
            let columns = OpenDataFile.standardColumns + file.columns.map(\.name)
            var report = Report(title: "Open data", subtitle: "", sections: [
                .init(title: file.name, question: "", table: .init(id: file.name, columns: columns, rows: table)),
            ])
            let firstIndicator = OpenDataFile.standardColumns.count + 1
            func cell(_ row: Int, _ indicator: Int) -> Report.CellRef {
                .cell(table: file.name, row: row, column: firstIndicator + indicator)
            }
            for year in counts.keys {
                let places = counts[year]!.keys
                for indicator in 0..<indicators {
                    for place in places {
                        report.relations.append(filters.compactMap { index[key(year, place, $0)] }.map { cell($0, indicator) })
                    }
                    for filter in filters {
                        for region in places where region.level == 1 {
                            let las = places.filter { $0.level == 2 && $0.authority?.regionCode == region.authority?.regionCode }
                            let rows = ([region] + las).compactMap { index[key(year, $0, filter)] }
                            report.relations.append(rows.map { cell($0, indicator) })
                        }
                        if (unplaced[year]?[filter]?[indicator] ?? 0) == 0 {
                            let rows = ([Place.national] + places.filter { $0.level == 1 }).compactMap { index[key(year, $0, filter)] }
                            report.relations.append(rows.map { cell($0, indicator) })
                        }
                    }
                }
            }
            return report
        }
    }

    /// Inductions started (by start date), released, passed and failed (by end date), by
    /// programme; placed by the school the ECT was registered at when the period started.
    func activityReport(from: Day?, to: Day?, placed: [Statistics.PlacedPeriods]) throws -> Report {
        let authorities = try store.read { try $0.referenceData().localAuthorities }
        var table = GeographicTable(file: Self.activity, filters: ["Total", "Provider-led", "School-led"],
                                    authorities: authorities, from: from, to: to)
        for group in placed {
            let programme = group.programme == "provider-led" ? "Provider-led" : "School-led"
            table.add(group.start, 0, filter: programme, laCode: group.laCode, count: group.count)
            if let ending = group.ending {
                table.add(group.end, ending.rawValue, filter: programme, laCode: group.laCode, count: group.count)
            }
        }
        return table.report
    }

    /// School registrations of ECTs and mentors, by school start date, placed by the school.
    func registrationsReport(from: Day?, to: Day?) throws -> Report {
        let (authorities, groups) = try store.read { tx in
            (try tx.referenceData().localAuthorities, try tx.registrationsByStartAndAuthority())
        }
        var table = GeographicTable(file: Self.registrations, filters: ["Total", "ECT", "Mentor"],
                                    authorities: authorities, from: from, to: to)
        for group in groups {
            table.add(group.start, 0, filter: group.role == "ect" ? "ECT" : "Mentor", laCode: group.laCode, count: group.count)
        }
        return table.report
    }

    /// `202526` for 1 September 2025 to 31 August 2026.
    static func academicYear(of day: Day) -> String {
        let (year, month, _) = day.components
        let start = month >= 9 ? year : year - 1
        let end = (start + 1) % 100
        return "\(start)\(end < 10 ? "0" : "")\(end)"
    }

    /// The standard time and geography cells of a row.
    static func geography(_ year: String, _ place: Place) -> [String] {
        let time = [year, "Academic year"]
        let country = ["E92000001", "England"]
        switch place.level {
        case 0: return time + ["National"] + country + ["", "", "", "", ""]
        case 1: return time + ["Regional"] + country + [place.authority!.regionCode, place.authority!.regionName, "", "", ""]
        default:
            let la = place.authority!
            return time + ["Local authority"] + country + [la.regionCode, la.regionName, la.oldCode, la.newCode, la.name]
        }
    }
}

extension Statistics.PlacedPeriods {
    /// How periods that ended, ended; the number is the measure's place after "started"
    /// in the activity tables (started 0, released 1, passed 2, failed 3).
    enum Ending: Int { case released = 1, passed, failed }

    var ending: Ending? {
        guard !end.isEmpty else { return nil }
        return outcome == "pass" ? .passed : outcome == "fail" ? .failed : .released
    }
}
