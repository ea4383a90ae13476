import Domain
import Reports
import Store

/// The open-data files analysts publish through Explore Education Statistics (EES), from
/// the store: induction activity by academic year, at national, regional and
/// local-authority level, by induction programme (see README, "Open data").
struct OpenDataBuilder {
    let store: Store

    static let activity = OpenDataFile(name: "ect_induction_activity", columns: [
        .filter("induction_programme", "Induction programme", hint: "Provider-led or school-led training"),
        .count("inductions_started", "Inductions started"),
        .count("inductions_released", "Induction periods ended in a release"),
        .count("inductions_passed", "Inductions passed"),
        .count("inductions_failed", "Inductions failed"),
    ])

    /// Where an induction period is counted: its LA, when the ECT's school when it started
    /// is known and its LA is in the local-authority lookup; national only otherwise.
    struct Place: Hashable, Comparable {
        let level: Int  // 0 national, 1 regional, 2 local authority
        let authority: LocalAuthority?

        static func < (a: Place, b: Place) -> Bool {
            (a.level, a.authority?.regionCode ?? "", a.authority?.newCode ?? "")
                < (b.level, b.authority?.regionCode ?? "", b.authority?.newCode ?? "")
        }
    }

    /// The activity file as a report (one table), with the ties secondary suppression
    /// needs: each programme pair adds up to its total; each region's LAs to the region;
    /// the regions to the nation where every period's place is known.
    func activityReport(from: Day?, to: Day?, placed: [Statistics.PlacedPeriods]) throws -> Report {
        let (first, last) = (from?.iso ?? "0000-00-00", to?.iso ?? "9999-99-99")
        let authorities = try store.read { try $0.referenceData().localAuthorities }
        let byOldCode = Dictionary(authorities.map { ($0.oldCode, $0) }, uniquingKeysWith: { a, _ in a })
        let programmes = ["Provider-led", "School-led"]
        // (academic year, place, programme) -> the four counts; and what has no place.
        var counts: [String: [Place: [String: [Int]]]] = [:]
        var unplaced: [String: [String: [Int]]] = [:]
        func add(_ day: String, _ indicator: Int, programme: String, authority: LocalAuthority?, count: Int) {
            guard let date = Day(iso: day), day >= first, day <= last else { return }
            let year = Self.academicYear(of: date)
            var places = [Place(level: 0, authority: nil)]
            if let authority {
                places.append(Place(level: 1, authority: LocalAuthority(oldCode: "", newCode: "", name: "",
                                                                         regionCode: authority.regionCode, regionName: authority.regionName)))
                places.append(Place(level: 2, authority: authority))
            } else {
                unplaced[year, default: [:]][programme, default: [0, 0, 0, 0]][indicator] += count
                unplaced[year, default: [:]]["Total", default: [0, 0, 0, 0]][indicator] += count
            }
            for place in places {
                for filter in [programme, "Total"] {
                    counts[year, default: [:]][place, default: [:]][filter, default: [0, 0, 0, 0]][indicator] += count
                }
            }
        }
        for group in placed {
            let programme = group.programme == "provider-led" ? "Provider-led" : "School-led"
            let authority = byOldCode[group.laCode]
            add(group.start, 0, programme: programme, authority: authority, count: group.count)
            if let ending = group.ending {
                add(group.end, ending.rawValue, programme: programme, authority: authority, count: group.count)
            }
        }

        let columns = OpenDataFile.standardColumns + Self.activity.columns.map(\.name)
        var table: [[Report.Cell]] = []
        var index: [String: Int] = [:]  // "year|place|filter" -> row
        func key(_ year: String, _ place: Place, _ filter: String) -> String {
            "\(year)|\(place.level)|\(place.authority?.regionCode ?? "")|\(place.authority?.newCode ?? "")|\(filter)"
        }
        for year in counts.keys.sorted() {
            for place in counts[year]!.keys.sorted() {
                for filter in ["Total"] + programmes {
                    let values = counts[year]![place]![filter] ?? [0, 0, 0, 0]
                    index[key(year, place, filter)] = table.count
                    table.append(Self.geography(year, place).map(Report.Cell.text) + [.text(filter)] + values.map(Report.Cell.count))
                }
            }
        }
        var report = Report(title: "Open data", subtitle: "", sections: [
            .init(title: Self.activity.name, question: "", table: .init(id: Self.activity.name, columns: columns, rows: table)),
        ])
        let firstIndicator = OpenDataFile.standardColumns.count + 1
        func cell(_ row: Int, _ indicator: Int) -> Report.CellRef { .cell(table: Self.activity.name, row: row, column: firstIndicator + indicator) }
        for year in counts.keys {
            let places = counts[year]!.keys
            for indicator in 0..<4 {
                for place in places {
                    // Total = provider-led + school-led.
                    let rows = (["Total"] + programmes).compactMap { index[key(year, place, $0)] }
                    report.relations.append(rows.map { cell($0, indicator) })
                }
                for filter in ["Total"] + programmes {
                    // A region = its LAs.
                    for region in places where region.level == 1 {
                        let las = places.filter { $0.level == 2 && $0.authority?.regionCode == region.authority?.regionCode }
                        let rows = ([region] + las).compactMap { index[key(year, $0, filter)] }
                        report.relations.append(rows.map { cell($0, indicator) })
                    }
                    // The nation = its regions, when no period lacks a place.
                    if (unplaced[year]?[filter]?[indicator] ?? 0) == 0 {
                        let rows = ([Place(level: 0, authority: nil)] + places.filter { $0.level == 1 }).compactMap { index[key(year, $0, filter)] }
                        report.relations.append(rows.map { cell($0, indicator) })
                    }
                }
            }
        }
        return report
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
