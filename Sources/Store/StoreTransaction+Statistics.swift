import Domain

/// Figures for the statistics reports: counts only, never a name, email or TRN.
public enum Statistics {
    /// A label and a count.
    public struct Count: Hashable, Sendable {
        public let label: String
        public let count: Int

        public init(label: String, count: Int) {
            self.label = label
            self.count = count
        }
    }

    /// Induction periods with one appropriate body, by how they stand.
    public struct ByAppropriateBody: Hashable, Sendable {
        public let name: String
        public let periods: Int
        public let open: Int
        public let passed: Int
        public let failed: Int
        public let released: Int
    }

    /// A month's (or a run's) files and rows of one submission kind.
    public struct Submissions: Hashable, Sendable {
        /// `YYYY-MM`, or the submitter kind in a run report.
        public let group: String
        public let kind: String
        public let files: Int
        public let refused: Int
        public let rows: Int
        public let rejected: Int
        public let warnings: Int
    }

    /// One file of a run, for the slowest-files table (no file name: it may name a person).
    public struct FileTiming: Hashable, Sendable {
        public let submitter: String
        public let kind: String
        public let rows: Int
        public let milliseconds: Int
    }

    /// Induction periods alike in programme, dates, outcome and place, and how many: the
    /// place is the old LA code of the school the ECT was registered at when the period
    /// started ("" when no registration covers that day).
    public struct PlacedPeriods: Hashable, Sendable {
        public let programme: String
        public let start: String
        public let end: String
        public let outcome: String
        public let laCode: String
        public let count: Int
    }

    /// School registrations alike in role, school start date and the school's old LA
    /// code, and how many.
    public struct PlacedRegistrations: Hashable, Sendable {
        public let role: String
        public let start: String
        public let laCode: String
        public let count: Int
    }

    public struct Run: Hashable, Sendable {
        public let id: String
        public let asOf: String
        public let milliseconds: Int?
        /// As the run counted them; `nil` for a run from before runs kept their counts.
        public var counts: RunCounts?
    }
}

extension StoreTransaction {
    /// A single count.
    public func count(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> Int {
        try db.value(sql, SQLArguments(arguments)) ?? 0
    }

    /// Labelled counts from a query selecting (label, count).
    public func counts(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [Statistics.Count] {
        try db.rows(sql, SQLArguments(arguments)).map { row in
            Statistics.Count(label: row.values[0].text ?? "", count: row[1] as Int? ?? 0)
        }
    }

    public func periodsByAppropriateBody() throws -> [Statistics.ByAppropriateBody] {
        try db.rows("""
            SELECT ab.name, count(*), count(*) FILTER (WHERE p.end_date IS NULL),
                   count(*) FILTER (WHERE p.outcome = 'pass'), count(*) FILTER (WHERE p.outcome = 'fail'),
                   count(*) FILTER (WHERE p.end_date IS NOT NULL AND p.outcome IS NULL)
            FROM induction_periods p JOIN appropriate_bodies ab ON ab.id = p.appropriate_body_id
            GROUP BY ab.id ORDER BY ab.name
            """).map { Statistics.ByAppropriateBody(name: $0[0], periods: $0[1], open: $0[2], passed: $0[3], failed: $0[4], released: $0[5]) }
    }

    /// Files and rows by month and kind (`from`/`to` bound the as-of dates, inclusive).
    public func submissionsByMonth(from: Day?, to: Day?) throws -> [Statistics.Submissions] {
        try submissions(group: "substr(s.as_of, 1, 7)", filter: "s.as_of >= ? AND s.as_of <= ?",
                        [from?.iso ?? "0000-00-00", to?.iso ?? "9999-99-99"])
    }

    /// Files and rows of one run by submitter kind and submission kind.
    public func submissions(ofRun runID: String) throws -> [Statistics.Submissions] {
        try submissions(group: "s.submitter_kind", filter: "s.run_id = ?", [runID])
    }

    private func submissions(group: String, filter: String, _ arguments: [String]) throws -> [Statistics.Submissions] {
        try db.rows("""
            SELECT \(group), coalesce(s.kind, 'unknown'), count(*), count(*) FILTER (WHERE s.status = 'refused'),
                   sum(s.rows_total),
                   sum(s.rows_rejected), sum(coalesce(w.rows, 0))
            FROM submissions s
            LEFT JOIN (SELECT submission_id, count(*) AS rows FROM row_verdicts WHERE warning_codes <> ''
                       GROUP BY submission_id) w ON w.submission_id = s.id
            WHERE \(filter)
            GROUP BY 1, 2 ORDER BY 1, 2
            """, SQLArguments(arguments)).map {
            Statistics.Submissions(group: $0[0], kind: $0[1], files: $0[2], refused: $0[3], rows: $0[4], rejected: $0[5], warnings: $0[6])
        }
    }

    /// How often each code rejected a row, most frequent first (in one run, or overall).
    public func rejectionCodes(ofRun runID: String?) throws -> [Statistics.Count] {
        var counts: [String: Int] = [:]
        try db.forEachRow("""
            SELECT v.error_codes FROM row_verdicts v JOIN submissions s ON s.id = v.submission_id
            WHERE v.error_codes <> '' AND (CAST(? AS TEXT) IS NULL OR s.run_id = ?)
            """, [runID, runID]) { row in
            for code in (row[0] as String).split(separator: " ") { counts[String(code), default: 0] += 1 }
        }
        return counts.map { Statistics.Count(label: $0.key, count: $0.value) }
            .sorted { ($0.count, $1.label) > ($1.count, $0.label) }
    }

    public func slowestFiles(ofRun runID: String, limit: Int) throws -> [Statistics.FileTiming] {
        try db.rows("""
            SELECT submitter_kind || ':' || submitter_id, coalesce(kind, 'unknown'), rows_total, coalesce(duration_ms, 0)
            FROM submissions WHERE run_id = ? AND status = 'processed' ORDER BY duration_ms DESC, id LIMIT ?
            """, [runID, limit]).map { Statistics.FileTiming(submitter: $0[0], kind: $0[1], rows: $0[2], milliseconds: $0[3]) }
    }

    public func run(_ id: String) throws -> Statistics.Run? {
        try db.row("SELECT \(Self.runColumns) FROM runs WHERE id = ?", [id]).map(Self.run)
    }

    public func runs() throws -> [Statistics.Run] {
        try db.rows("SELECT \(Self.runColumns) FROM runs ORDER BY id").map(Self.run)
    }

    private static let runColumns = """
        id, as_of, duration_ms, files_processed, files_refused, files_quarantined, files_reissued, files_waiting,
        rows_accepted, rows_rejected
        """

    private static func run(_ row: SQLRow) -> Statistics.Run {
        var counts: RunCounts?
        if let processed = row[3] as Int? {
            var kept = RunCounts()
            kept.processed = processed
            kept.refused = row[4] ?? 0
            kept.quarantined = row[5] ?? 0
            kept.reissued = row[6] ?? 0
            kept.waiting = row[7] ?? 0
            kept.accepted = row[8] ?? 0
            kept.rejected = row[9] ?? 0
            counts = kept
        }
        return Statistics.Run(id: row[0], asOf: row[1], milliseconds: row[2], counts: counts)
    }

    /// Every induction period, grouped (see `Statistics.PlacedPeriods`): a few thousand
    /// groups for a million periods.
    public func placedPeriods() throws -> [Statistics.PlacedPeriods] {
        try db.rows("""
            SELECT programme, start_date, end_date, outcome, la, count(*) FROM (
              SELECT p.programme, p.start_date, coalesce(p.end_date, '') AS end_date, coalesce(p.outcome, '') AS outcome,
                     coalesce((SELECT s.la_code FROM school_registrations r JOIN schools s ON s.urn = r.school_urn
                               WHERE r.trn = p.trn AND r.role = 'ect' AND r.start_date <= p.start_date
                                 AND (r.end_date IS NULL OR r.end_date >= p.start_date)
                               ORDER BY r.start_date DESC LIMIT 1), '') AS la
              FROM induction_periods p) AS placed
            GROUP BY 1, 2, 3, 4, 5
            """).map {
            Statistics.PlacedPeriods(programme: $0[0], start: $0[1], end: $0[2], outcome: $0[3], laCode: $0[4], count: $0[5])
        }
    }

    /// Every school registration, grouped (see `Statistics.PlacedRegistrations`).
    public func registrationsByStartAndAuthority() throws -> [Statistics.PlacedRegistrations] {
        try db.rows("""
            SELECT r.role, r.start_date, coalesce(s.la_code, ''), count(*)
            FROM school_registrations r LEFT JOIN schools s ON s.urn = r.school_urn
            GROUP BY 1, 2, 3
            """).map { Statistics.PlacedRegistrations(role: $0[0], start: $0[1], laCode: $0[2], count: $0[3]) }
    }

    /// Days from each ECT's first school start to their first claim by an appropriate body.
    public func daysFromSchoolStartToClaim() throws -> [Int] {
        try db.rows("""
            SELECT r.first_start, e.first_claim
            FROM (SELECT trn, min(start_date) AS first_start FROM school_registrations WHERE role = 'ect' GROUP BY trn) r
            JOIN (SELECT trn, min(as_of) AS first_claim FROM events WHERE name = 'induction-period.opened' GROUP BY trn) e
              USING (trn)
            """).compactMap { row in
            guard let start = Day(iso: row[0] as String), let claim = Day(iso: row[1] as String) else { return nil }
            return claim.ordinal - start.ordinal
        }.sorted()
    }
}
