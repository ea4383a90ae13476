#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Reports
import Store

/// Builds the statistics reports from the store: a report per run and the cumulative
/// programme report. Everything comes from the store, so `ect-batch report` rebuilds
/// exactly what the runs wrote.
public struct ReportBuilder {
    let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Writes `reports/runs/<run-id>/` for the runs named and refreshes `reports/latest/`.
    ///
    /// Two writers at once (a run and a `report`, or two `report`s) take turns, by an
    /// exclusive `flock` on `reports/.lock`, so that `latest/` is always one report's.
    public func write(root: DataRoot, runs: [String], from: Day? = nil, to: Day? = nil, suppressBelow: Int = 0) throws {
        try Directories.create(root.reports)
        let lockPath = root.reports + "/.lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard lock >= 0 else { throw SystemError.last(.lock, lockPath) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw SystemError.last(.lock, lockPath) }
        let made = Timestamp.now()
        for run in runs {
            var report = try runReport(run).suppressing(below: suppressBelow)
            report.made = made
            try ReportWriter.write(report, to: root.reports + "/runs/" + run)
        }
        let placed = try store.read { try $0.placedPeriods() }
        var latest = try programmeReport(from: from, to: to, placed: placed).suppressing(below: suppressBelow)
        latest.made = made
        try ReportWriter.write(latest, to: root.reports + "/latest")
        // The open-data files, for EES.
        let openData = OpenDataBuilder(store: store)
        let activity = try openData.activityReport(from: from, to: to, placed: placed).suppressing(below: suppressBelow)
        try OpenDataWriter.write(OpenDataBuilder.activity, table: activity.sections[0].table, to: root.reports + "/latest/ees")
        let registrations = try openData.registrationsReport(from: from, to: to).suppressing(below: suppressBelow)
        try OpenDataWriter.write(OpenDataBuilder.registrations, table: registrations.sections[0].table,
                                 to: root.reports + "/latest/ees")
    }

    // MARK: The run

    public func runReport(_ runID: String) throws -> Report {
        try store.read { tx in
            let run = try tx.run(runID)
            let groups = try tx.submissions(ofRun: runID)
            // The run's own counts (the ones it printed); a run from before runs kept them
            // is counted from its submissions.
            let counts = run?.counts ?? {
                var counts = RunCounts()
                counts.processed = groups.reduce(0) { $0 + $1.files - $1.refused }
                counts.refused = groups.reduce(0) { $0 + $1.refused }
                counts.rejected = groups.reduce(0) { $0 + $1.rejected }
                counts.accepted = groups.reduce(0) { $0 + $1.rows } - counts.rejected
                return counts
            }()
            let seconds = Double(run?.milliseconds ?? 0) / 1000
            var report = Report(title: "ECTBatch run \(runID)", subtitle: "Run as of \(run?.asOf ?? "?")")
            report.headlines = [
                .init("files", "files", .count(counts.files)),
                .init("processed", "files processed", .count(counts.processed)),
                .init("refused", "files refused", .count(counts.refused)),
                .init("quarantined", "files quarantined", .count(counts.quarantined)),
                .init("reissued", "files re-issued", .count(counts.reissued)),
                .init("rows", "rows", .count(counts.rows)),
                .init("accepted", "rows accepted", .count(counts.accepted)),
                .init("rejected", "rows rejected", .count(counts.rejected)),
                .init("warnings", "rows with warnings", .count(groups.reduce(0) { $0 + $1.warnings })),
                .init("seconds", "seconds", .number(seconds, decimals: 2)),
                .init("rowsPerSecond", "rows a second", .number(seconds > 0 ? Double(counts.rows) / seconds : 0, decimals: 0)),
            ]
            report.sections.append(filesAndRows(groups, firstColumn: "Submitter kind", id: "files-and-rows",
                                                question: "How many files and rows of each kind came in, and how many rows were rejected?"))
            report.sections.append(codes(try tx.rejectionCodes(ofRun: runID), rejectedRows: counts.rejected, id: "rejection-codes",
                                         question: "Why were rows rejected? The most frequent codes first; a row can have several, so the shares add up to more than 100%."))
            let refused = try tx.counts("""
                SELECT refusal_code, count(*) FROM submissions WHERE run_id = ? AND status = 'refused' GROUP BY 1 ORDER BY 2 DESC, 1
                """, [runID])
            report.sections.append(.init(title: "Files refused whole", question: "Which files could not be processed at all, and why?",
                                         table: .init(id: "refused-files", columns: ["Code", "Files"],
                                                      rows: refused.map { [.text($0.label), .count($0.count)] })))
            let slowest = try tx.slowestFiles(ofRun: runID, limit: 10)
            report.sections.append(.init(
                title: "Slowest files", question: "Which files took longest to process (validation, store and result file)?",
                table: .init(id: "slowest-files", columns: ["Submitter", "Kind", "Rows", "Milliseconds"],
                             rows: slowest.map { [.text($0.submitter), .text($0.kind), .count($0.rows), .number(Double($0.milliseconds), decimals: 0)] })))
            Self.relateRunReport(&report)
            return report
        }
    }

    // MARK: The programme

    /// `placed`: the store's `placedPeriods()`, when the caller has them already.
    public func programmeReport(from: Day?, to: Day?, placed: [Statistics.PlacedPeriods]? = nil) throws -> Report {
        try store.read { tx in
            let placed = try placed ?? tx.placedPeriods()
            let range = [from.map { "from \($0.iso)" }, to.map { "to \($0.iso)" }].compactMap { $0 }.joined(separator: " ")
            let runs = try tx.runs()
            let covered = runs.isEmpty ? "no run yet"
                : "runs as of \(runs.map(\.asOf).min()!) to \(runs.map(\.asOf).max()!)"
            var report = Report(title: "Early career teachers: the programme so far",
                                subtitle: "Cumulative, from the store: \(covered)" + (range.isEmpty ? "" : "; activity \(range)"))
            report.headlines = [
                .init("ectsRegistered", "ECTs registered at schools", .count(try tx.count("SELECT count(DISTINCT trn) FROM school_registrations WHERE role = 'ect'"))),
                .init("mentorsRegistered", "mentors registered", .count(try tx.count("SELECT count(DISTINCT trn) FROM school_registrations WHERE role = 'mentor'"))),
                .init("ectsClaimed", "ECTs claimed by appropriate bodies", .count(try tx.count("SELECT count(DISTINCT trn) FROM induction_periods"))),
                .init("inInduction", "in induction now", .count(try tx.count("SELECT count(*) FROM induction_periods WHERE end_date IS NULL"))),
                .init("passed", "passed", .count(try tx.count("SELECT count(*) FROM induction_periods WHERE outcome = 'pass'"))),
                .init("failed", "failed", .count(try tx.count("SELECT count(*) FROM induction_periods WHERE outcome = 'fail'"))),
                .init("released", "released (periods)", .count(try tx.count("SELECT count(*) FROM induction_periods WHERE end_date IS NOT NULL AND outcome IS NULL"))),
                .init("nameWarnings", "name corrections unlike TRS", .count(try tx.count("SELECT count(*) FROM row_verdicts WHERE warning_codes LIKE '%name.differs-from-trs%'"))),
            ]
            report.sections.append(runsSection(try tx.runs().suffix(30), tx))
            report.sections.append(try activity(tx, from: from, to: to, placed: placed))
            report.sections.append(byAppropriateBody(try tx.periodsByAppropriateBody()))
            report.sections.append(try byProgramme(tx))
            report.sections.append(byStartTerm(placed))
            report.sections.append(try byLocalAuthority(tx, placed: placed))
            report.sections.append(try extensions(tx))
            report.sections.append(daysToClaim(try tx.daysFromSchoolStartToClaim()))
            report.sections.append(trsOutcomes(try tx.outcomeStates()))
            let months = try tx.submissionsByMonth(from: from, to: to)
            report.sections.append(filesAndRows(months, firstColumn: "Month", id: "rejection-rates",
                                                question: "What share of rows was rejected, by month and by kind?"))
            report.sections.append(codes(try tx.rejectionCodes(ofRun: nil),
                                         rejectedRows: try tx.count("SELECT coalesce(sum(rows_rejected), 0) FROM submissions"),
                                         id: "rejection-codes-all",
                                         question: "Across all runs, why are rows rejected? The most frequent codes first; a row can have several, so the shares add up to more than 100%."))
            Self.relateProgrammeReport(&report, bounded: from != nil || to != nil)
            return report
        }
    }

    // MARK: What ties published figures together (for secondary suppression)

    /// The run report's sums: rows are accepted plus rejected, files add up to the files
    /// headline, each table's columns to their headlines; rates and shares come from counts.
    static func relateRunReport(_ report: inout Report) {
        report.relations.append([.headline("rows"), .headline("accepted"), .headline("rejected")])
        report.relations.append([.headline("files"), .headline("processed"), .headline("refused"), .headline("quarantined"),
                                 .headline("reissued")])
        report.relateRows(of: "files-and-rows", total: "Rows", parts: ["Accepted", "Rejected"])
        report.relate("Rows", of: "files-and-rows", toHeadline: "rows")
        report.relate("Accepted", of: "files-and-rows", toHeadline: "accepted")
        report.relate("Rejected", of: "files-and-rows", toHeadline: "rejected")
        report.relate("Files refused", of: "files-and-rows", toHeadline: "refused")
        report.relations.append(report.column("Files", of: "files-and-rows")
                                + [.headline("files"), .headline("quarantined"), .headline("reissued")])
        report.relate("Files", of: "refused-files", toHeadline: "refused")
        report.derive("Rejection rate", from: ["Rows", "Rejected"], in: "files-and-rows")
        report.derive("Share of rejected rows", from: ["Rows"], in: "rejection-codes", headlines: ["rejected"])
        report.derivations.append((.headline("rowsPerSecond"), [.headline("rows")]))
    }

    /// The cumulative report's sums: induction periods by appropriate body, programme,
    /// start term and (unbounded) activity all count the same periods; the outcome
    /// headlines are those columns' sums; extensions' terms and days-to-claim's buckets
    /// add up to their totals.
    static func relateProgrammeReport(_ report: inout Report, bounded: Bool) {
        report.relateRows(of: "by-appropriate-body", total: "Periods", parts: ["Open", "Passed", "Failed", "Released"])
        report.relate("Open", of: "by-appropriate-body", toHeadline: "inInduction")
        report.relate("Passed", of: "by-appropriate-body", toHeadline: "passed")
        report.relate("Failed", of: "by-appropriate-body", toHeadline: "failed")
        report.relate("Released", of: "by-appropriate-body", toHeadline: "released")
        report.relate("Open now", of: "by-programme", toHeadline: "inInduction")
        report.relate("Periods", of: "by-appropriate-body", to: "Induction periods", of: "by-programme")
        report.relate("Periods", of: "by-appropriate-body", to: "Induction periods", of: "by-start-term")
        report.relate("Periods", of: "by-appropriate-body", to: "Induction periods", of: "by-local-authority")
        if !bounded {
            report.relate("Periods", of: "by-appropriate-body", to: "Inductions started", of: "activity-by-term")
            report.relate("Passed", of: "activity-by-term", toHeadline: "passed")
            report.relate("Failed", of: "activity-by-term", toHeadline: "failed")
            report.relate("Released", of: "activity-by-term", toHeadline: "released")
        }
        report.relateRows(of: "rejection-rates", total: "Rows", parts: ["Accepted", "Rejected"])
        report.derive("Rejection rate", from: ["Rows", "Rejected"], in: "rejection-rates")
        report.derive("Share of rejected rows", from: ["Rows"], in: "rejection-codes-all")
        // Extensions: each length's count, and the terms in all (the last row); the
        // teachers row (second last) counts people, not extensions.
        let extensions = report.column("Count", of: "extensions")
        if extensions.count >= 2 {
            report.relations.append(Array(extensions.dropLast(2)) + [extensions[extensions.count - 1]])
        }
        report.relateRows(of: "trs-outcomes", total: "Outcomes", parts: ["Pending", "Exported"])
        // Days to claim: the first row counts the ECTs the buckets (the last rows) share out.
        let days = report.column("Value", of: "days-to-claim")
        if days.count > 4 { report.relations.append([days[0]] + days.dropFirst(4)) }
    }

    // MARK: Sections

    func filesAndRows(_ groups: [Statistics.Submissions], firstColumn: String, id: String, question: String) -> Report.Section {
        let rows: [[Report.Cell]] = groups.map { g in
            [.text(g.group), .text(g.kind), .count(g.files), .count(g.refused), .count(g.rows), .count(g.rows - g.rejected),
             .count(g.rejected), .count(g.warnings), g.rows > 0 ? .percent(Double(g.rejected) / Double(g.rows)) : .none]
        }
        let chart = Report.Chart(
            style: .horizontalBars, categoryLabel: firstColumn, valueLabel: "rows",
            caption: "Rows accepted and rejected, by \(firstColumn.lowercased()) and kind (count of rows).",
            series: ["accepted", "rejected"],
            points: groups.map { ("\($0.group) \($0.kind)", [Double($0.rows - $0.rejected), Double($0.rejected)]) })
        return .init(title: id == "files-and-rows" ? "Files and rows" : "Rejection rates", question: question, chart: chart,
                     table: .init(id: id, columns: [firstColumn, "Kind", "Files", "Files refused", "Rows", "Accepted", "Rejected",
                                                    "With warnings", "Rejection rate"], rows: rows))
    }

    /// Each code's rows, and their share of the rejected rows.
    func codes(_ counts: [Statistics.Count], rejectedRows: Int, id: String, question: String) -> Report.Section {
        let top = Array(counts.prefix(15))
        return .init(
            title: "Rejection codes", question: question,
            chart: .init(style: .horizontalBars, categoryLabel: "Code", valueLabel: "rows with this code",
                         caption: "The most frequent rejection codes (count of rows).", series: ["rows"],
                         points: top.map { ($0.label, [Double($0.count)]) }),
            table: .init(id: id, columns: ["Code", "Rows", "Share of rejected rows"],
                         rows: counts.map { [.text($0.label), .count($0.count), .percent(Double($0.count) / Double(max(rejectedRows, 1)))] }))
    }

    func runsSection(_ runs: ArraySlice<Statistics.Run>, _ tx: StoreTransaction) -> Report.Section {
        let figures = runs.map { run -> (Statistics.Run, Int, Int) in
            if let counts = run.counts { return (run, counts.accepted, counts.rejected) }
            let groups = (try? tx.submissions(ofRun: run.id)) ?? []
            return (run, groups.reduce(0) { $0 + $1.rows - $1.rejected }, groups.reduce(0) { $0 + $1.rejected })
        }
        return .init(
            title: "Runs", question: "How many rows did each recent run accept and reject?",
            chart: .init(style: .columns, categoryLabel: "Run (as-of date)", valueLabel: "rows",
                         caption: "Rows accepted and rejected in each of the last 30 runs (count of rows).",
                         series: ["accepted", "rejected"],
                         points: figures.map { ($0.0.asOf, [Double($0.1), Double($0.2)]) }),
            table: .init(id: "runs", columns: ["Run", "As of", "Accepted", "Rejected", "Seconds"],
                         rows: figures.map { [.text($0.0.id), .text($0.0.asOf), .count($0.1), .count($0.2),
                                              .number(Double($0.0.milliseconds ?? 0) / 1000, decimals: 2)] }))
    }

    /// Induction activity counted by when it happened, not by the run that recorded it:
    /// inductions started by their start date; releases, passes and fails by their end
    /// date; ECTs and mentors registered by their school start date — by academic year
    /// (1 September to 31 August) and term. `from`/`to` bound those dates.
    func activity(_ tx: StoreTransaction, from: Day?, to: Day?, placed: [Statistics.PlacedPeriods]) throws -> Report.Section {
        let (first, last) = (from?.iso ?? "0000-00-00", to?.iso ?? "9999-99-99")
        let measures: [(name: String, sql: String?)] = [
            ("Inductions started", nil), ("Released", nil), ("Passed", nil), ("Failed", nil),
            ("ECTs registered", "SELECT start_date, count(*) FROM school_registrations WHERE role = 'ect' AND start_date BETWEEN ? AND ? GROUP BY 1"),
            ("Mentors registered", "SELECT start_date, count(*) FROM school_registrations WHERE role = 'mentor' AND start_date BETWEEN ? AND ? GROUP BY 1"),
        ]
        var byTerm: [Int: (label: String, counts: [Int])] = [:]
        func add(_ date: String, _ index: Int, _ count: Int) {
            guard date >= first, date <= last, let day = Day(iso: date) else { return }
            let term = Self.term(of: day)
            byTerm[term.order, default: (term.label, Array(repeating: 0, count: measures.count))].counts[index] += count
        }
        // The periods' measures from the groups already read; the registrations' here.
        for group in placed {
            add(group.start, 0, group.count)
            if let ending = group.ending { add(group.end, ending.rawValue, group.count) }
        }
        for (index, measure) in measures.enumerated() {
            guard let sql = measure.sql else { continue }
            for count in try tx.counts(sql, [first, last]) { add(count.label, index, count.count) }
        }
        let terms = byTerm.keys.sorted().map { byTerm[$0]! }
        let charted = Array(measures.indices.prefix(4))
        return .init(
            title: "Induction activity by term",
            question: "How many inductions started, and how many ended in a release, a pass or a fail, each term; how many ECTs and mentors started at schools? Counted by the dates these happened, not when they were recorded.",
            chart: .init(style: .columns, categoryLabel: "Term", valueLabel: "induction periods",
                         caption: "Induction periods started, released, passed and failed, by the term of their start or end date (count of periods).",
                         series: charted.map { measures[$0].name },
                         points: terms.map { term in (term.label, charted.map { Double(term.counts[$0]) }) }),
            table: .init(id: "activity-by-term", columns: ["Term"] + measures.map(\.name),
                         rows: terms.map { term in [.text(term.label)] + term.counts.map { .count($0) } }))
    }

    func byAppropriateBody(_ bodies: [Statistics.ByAppropriateBody]) -> Report.Section {
        .init(title: "By appropriate body", question: "How many induction periods has each appropriate body recorded, and how do they stand?",
              chart: .init(style: .horizontalBars, categoryLabel: "Appropriate body", valueLabel: "induction periods",
                           caption: "Open and closed induction periods by appropriate body (count of periods).",
                           series: ["open", "passed", "failed", "released"],
                           points: bodies.map { ($0.name, [Double($0.open), Double($0.passed), Double($0.failed), Double($0.released)]) }),
              table: .init(id: "by-appropriate-body", columns: ["Appropriate body", "Periods", "Open", "Passed", "Failed", "Released"],
                           rows: bodies.map { [.text($0.name), .count($0.periods), .count($0.open), .count($0.passed), .count($0.failed), .count($0.released)] }))
    }

    func byProgramme(_ tx: StoreTransaction) throws -> Report.Section {
        let periods = try tx.counts("SELECT programme, count(*) FROM induction_periods GROUP BY 1 ORDER BY 1")
        let open = try tx.counts("SELECT programme, count(*) FROM induction_periods WHERE end_date IS NULL GROUP BY 1 ORDER BY 1")
        let registered = try tx.counts("""
            SELECT coalesce(training_programme, 'not given'), count(*) FROM school_registrations WHERE role = 'ect' GROUP BY 1 ORDER BY 1
            """)
        let labels = Array(Set(periods.map(\.label) + registered.map(\.label))).sorted()
        func value(_ list: [Statistics.Count], _ label: String) -> Int { list.first { $0.label == label }?.count ?? 0 }
        return .init(
            title: "By training programme",
            question: "How are ECTs trained: the programme appropriate bodies claimed them on, and the one schools registered?",
            table: .init(id: "by-programme", columns: ["Programme", "Induction periods", "Open now", "School registrations"],
                         rows: labels.map { [.text($0), .count(value(periods, $0)), .count(value(open, $0)), .count(value(registered, $0))] }))
    }

    /// Autumn (September–December), spring (January–April), summer (May–August).
    static func term(of day: Day) -> (order: Int, label: String) {
        let (year, month, _) = day.components
        let start = month >= 9 ? year : year - 1
        let academic = "\(start)/\(String(start + 1).suffix(2))"
        switch month {
        case 9...12: return (start * 3, "autumn \(academic)")
        case 1...4: return (start * 3 + 1, "spring \(academic)")
        default: return (start * 3 + 2, "summer \(academic)")
        }
    }

    func byStartTerm(_ placed: [Statistics.PlacedPeriods]) -> Report.Section {
        var terms: [Int: (String, Int)] = [:]
        for group in placed {
            guard let day = Day(iso: group.start) else { continue }
            let term = Self.term(of: day)
            terms[term.order, default: (term.label, 0)].1 += group.count
        }
        let ordered = terms.keys.sorted().map { terms[$0]! }
        return .init(
            title: "By start term", question: "In which term did induction periods start?",
            chart: .init(style: .columns, categoryLabel: "Term", valueLabel: "periods",
                         caption: "Induction periods by the term they started in (count of periods).", series: ["periods"],
                         points: ordered.map { ($0.0, [Double($0.1)]) }),
            table: .init(id: "by-start-term", columns: ["Term", "Induction periods"], rows: ordered.map { [.text($0.0), .count($0.1)] }))
    }

    /// ECTs and mentors registered, and induction periods, by the local authority (and
    /// region, where GIAS gives it) of the school: a registration's school; for an
    /// induction period, the school the ECT was registered at when it started, or
    /// "unknown" when no registration covers that day.
    func byLocalAuthority(_ tx: StoreTransaction, placed: [Statistics.PlacedPeriods]) throws -> Report.Section {
        let place = "coalesce(nullif(s.la_code, '') || ' ' || s.la_name, 'unknown') || '|' || coalesce(nullif(s.region_name, ''), '')"
        let ects = try tx.counts("SELECT \(place), count(DISTINCT r.trn) FROM school_registrations r JOIN schools s ON s.urn = r.school_urn WHERE r.role = 'ect' GROUP BY 1")
        let mentors = try tx.counts("SELECT \(place), count(DISTINCT r.trn) FROM school_registrations r JOIN schools s ON s.urn = r.school_urn WHERE r.role = 'mentor' GROUP BY 1")
        // Each LA code's label as the schools give it.
        var laLabels: [String: String] = [:]
        for count in try tx.counts("SELECT DISTINCT s.la_code || '\t' || \(place), 0 FROM schools s WHERE s.la_code <> ''") {
            let parts = count.label.split(separator: "\t", maxSplits: 1).map(String.init)
            if parts.count == 2, laLabels[parts[0]] == nil { laLabels[parts[0]] = parts[1] }
        }
        var periodCounts: [String: Int] = [:]
        for group in placed { periodCounts[laLabels[group.laCode] ?? "unknown|", default: 0] += group.count }
        let periods = periodCounts.map { Statistics.Count(label: $0.key, count: $0.value) }
        var labels = Set<String>()
        for list in [ects, mentors, periods] { labels.formUnion(list.map(\.label)) }
        // Places by name, the unknown one last.
        let places = labels.sorted { a, b in
            let (unknownA, unknownB) = (a.hasPrefix("unknown"), b.hasPrefix("unknown"))
            return unknownA == unknownB ? a < b : !unknownA
        }
        func value(_ list: [Statistics.Count], _ label: String) -> Int { list.first { $0.label == label }?.count ?? 0 }
        var rows: [[Report.Cell]] = []
        for label in places {
            let parts = label.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let region = parts.count > 1 ? parts[1] : ""
            rows.append([.text(parts[0]), .text(region), .count(value(ects, label)), .count(value(mentors, label)),
                         .count(value(periods, label))])
        }
        return .init(
            title: "By local authority",
            question: "Where are ECTs and mentors: by the local authority and region of their school (from GIAS)?",
            table: .init(id: "by-local-authority",
                         columns: ["Local authority", "Region", "ECTs registered", "Mentors registered", "Induction periods"],
                         rows: rows))
    }

    /// What TRS has been sent: the outbox's outcomes by status, pending or exported.
    /// Where an outcome for TRS can stand, as `outcomeStates` names it, and its column.
    static let outcomeStates = [("pending", "Pending"), ("delivered", "Delivered"), ("superseded", "Superseded"),
                                ("failed", "Failed"), ("exported", "Exported")].map { (state: $0.0, column: $0.1) }

    func trsOutcomes(_ states: [(status: String, state: String, count: Int)]) -> Report.Section {
        let statuses = ["InProgress", "Passed", "Failed"]
        func count(_ status: String, _ state: String) -> Int { states.first { $0.status == status && $0.state == state }?.count ?? 0 }
        return .init(
            title: "Outcomes for the Teaching Record System",
            question: "Which outcomes has TRS still to learn? Pending ones wait for `ect-batch deliver` (or `export-outcomes`); delivered ones TRS holds; superseded ones TRS had a newer change for; failed ones TRS refused, with its reason kept for operations; exported ones are in a file for TRS.",
            table: .init(id: "trs-outcomes", columns: ["Induction status", "Outcomes"] + Self.outcomeStates.map(\.column),
                         rows: statuses.map { status in
                             [.text(status), .count(Self.outcomeStates.reduce(0) { $0 + count(status, $1.state) })]
                                 + Self.outcomeStates.map { .count(count(status, $0.state)) }
                         }))
    }

    func extensions(_ tx: StoreTransaction) throws -> Report.Section {
        let distribution = try tx.counts("SELECT terms_tenths, count(*) FROM extensions GROUP BY terms_tenths ORDER BY terms_tenths")
        let teachers = try tx.count("SELECT count(DISTINCT trn) FROM extensions")
        let total = try tx.count("SELECT coalesce(sum(terms_tenths), 0) FROM extensions")
        var rows: [[Report.Cell]] = distribution.map { count in
            [.text(Terms(tenths: Int(count.label) ?? 0).description + " terms"), .count(count.count)]
        }
        rows.append([.text("teachers with an extension"), .count(teachers)])
        rows.append([.text("terms in all"), .number(Double(total) / 10, decimals: 1)])
        return .init(
            title: "Extensions", question: "How many teachers have had their induction extended, and by how much?",
            chart: .init(style: .columns, categoryLabel: "Length of extension (terms)", valueLabel: "extensions",
                         caption: "Extensions by their number of terms (count of extensions).", series: ["extensions"],
                         points: distribution.map { (Terms(tenths: Int($0.label) ?? 0).description, [Double($0.count)]) }),
            table: .init(id: "extensions", columns: ["Extension", "Count"], rows: rows))
    }

    func daysToClaim(_ days: [Int]) -> Report.Section {
        func quantile(_ q: Double) -> Report.Cell {
            guard !days.isEmpty else { return .none }
            let position = q * Double(days.count - 1)
            let lower = Int(position), upper = min(lower + 1, days.count - 1)
            return .number(Double(days[lower]) + (Double(days[upper] - days[lower])) * (position - Double(lower)), decimals: 1)
        }
        let buckets: [(String, ClosedRange<Int>)] = [
            ("claimed before school start", Int.min...(-1)), ("0–30 days", 0...30), ("31–60 days", 31...60),
            ("61–90 days", 61...90), ("91–180 days", 91...180), ("181–365 days", 181...365), ("over a year", 366...Int.max),
        ]
        let counts = buckets.map { bucket in (bucket.0, days.filter { bucket.1.contains($0) }.count) }
        return .init(
            title: "Days from school start to claim",
            question: "How long after an ECT starts at a school does an appropriate body claim them?",
            chart: .init(style: .columns, categoryLabel: "Days from school start date to the first claim", valueLabel: "ECTs",
                         caption: "ECTs by days from their first school start date to their first claim (count of ECTs).",
                         series: ["ECTs"], points: counts.map { ($0.0, [Double($0.1)]) }),
            table: .init(id: "days-to-claim", columns: ["Measure", "Value"],
                         rows: [[.text("ECTs registered and claimed"), .count(days.count)], [.text("lower quartile (days)"), quantile(0.25)],
                                [.text("median (days)"), quantile(0.5)], [.text("upper quartile (days)"), quantile(0.75)]]
                             + counts.map { [.text($0.0), .count($0.1)] }))
    }
}
