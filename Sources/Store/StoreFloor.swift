import Foundation
import GRDB

/// The store-write floor the benchmark measures a run against (`ect-bench --floor`): the
/// rows the store keeps for an N-row claims file — per row a teacher, an induction period,
/// a TRS outbox row, an event and a verdict — written into a fresh store by the database
/// alone, with the real schema (indexes, constraints, foreign keys), no file read and no rule
/// run. SQLite generates them in SQL (a recursive CTE); PostgreSQL takes them by `COPY`.
public enum StoreFloor {
    /// Seconds to write `rows` claims' rows into a new store at `location` (which must
    /// not exist, or be an empty PostgreSQL database), table by table in the order written:
    /// what each of the five writes of a claim costs. `shuffled`: TRNs in a scattered
    /// order, as a real file's are, instead of ascending.
    public static func measureTables(location: String, rows: Int, shuffled: Bool) throws -> [(table: String, seconds: Double)] {
        let store = try Store(location: location)
        try store.write { tx in
            try tx.db.execute("INSERT INTO appropriate_bodies (id, name) VALUES ('AB1000', 'Floor')")
            try tx.db.execute("""
                INSERT INTO submissions (submitter_kind, submitter_id, file_name, sha256, kind, format, status, as_of, processed_at)
                VALUES ('appropriate-bodies', 'AB1000', 'floor.csv', '\(String(repeating: "0", count: 64))', 'claims', 'csv',
                        'processed', '2026-11-20', '2026-11-20T00:00:00Z')
                """)
        }
        var costs: [(table: String, seconds: Double)] = []
        func timed(_ table: String, _ body: () throws -> Void) rethrows {
            let started = DispatchTime.now().uptimeNanoseconds
            try body()
            costs.append((table, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9))
        }
        switch store.backend {
        case .sqlite(let queue, _):
            let started = DispatchTime.now().uptimeNanoseconds
            try queue.write { db in
                let trn = shuffled ? "printf('%07d', 2000000 + (i * 7919) % \(rows))" : "printf('%07d', 2000000 + i)"
                let series = "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < \(rows - 1))"
                for (table, sql) in zip(["teachers", "induction_periods", "trs_outbox", "events", "row_verdicts"], [
                    "INSERT INTO teachers (trn, trs_first_name, trs_last_name, created_by_submission_id) SELECT \(trn), 'First', 'Last', 1 FROM n",
                    "INSERT INTO induction_periods (trn, appropriate_body_id, start_date, programme, opened_by_submission_id, opened_by_row) SELECT \(trn), 'AB1000', '2026-09-01', 'provider-led', 1, i + 2 FROM n",
                    "INSERT INTO trs_outbox (trn, induction_status, start_date, submission_id, row_number) SELECT \(trn), 'InProgress', '2026-09-01', 1, i + 2 FROM n",
                    "INSERT INTO events (submission_id, row_number, trn, name, detail, as_of) SELECT 1, i + 2, \(trn), 'induction-period.opened', 'appropriate_body=AB1000 start=2026-09-01 programme=provider-led', '2026-11-20' FROM n",
                    "INSERT INTO row_verdicts (submission_id, row_number, trn, status) SELECT 1, i + 2, \(trn), 'accepted' FROM n",
                ]) {
                    try timed(table) { try db.execute(sql: series + " " + sql) }
                }
            }
            // The commit and checkpoint, shared out by each table's share of the rest.
            let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            try timed("commit") { try store.checkpoint() }
            let statements = costs.dropLast().reduce(0) { $0 + $1.seconds }
            costs[costs.count - 1].seconds += total - statements
        case .postgres(let connection):
            func trn(_ i: Int) -> String {
                let value = 2_000_000 + (shuffled ? (i * 7919) % rows : i)
                return String(value)
            }
            try connection.transaction(commit: true) {
                try timed("teachers") { try connection.copy(into: "teachers", columns: ["trn", "trs_first_name", "trs_last_name", "created_by_submission_id"],
                                    rows: (0..<rows).map { [.text(trn($0)), .text("First"), .text("Last"), .integer(1)] }) }
                try timed("induction_periods") { try connection.copy(into: "induction_periods",
                                    columns: ["trn", "appropriate_body_id", "start_date", "programme", "opened_by_submission_id", "opened_by_row"],
                                    rows: (0..<rows).map { [.text(trn($0)), .text("AB1000"), .text("2026-09-01"), .text("provider-led"), .integer(1), .int($0 + 2)] }) }
                try timed("trs_outbox") { try connection.copy(into: "trs_outbox", columns: ["trn", "induction_status", "start_date", "submission_id", "row_number"],
                                    rows: (0..<rows).map { [.text(trn($0)), .text("InProgress"), .text("2026-09-01"), .integer(1), .int($0 + 2)] }) }
                try timed("events") { try connection.copy(into: "events", columns: ["submission_id", "row_number", "trn", "name", "detail", "as_of"],
                                    rows: (0..<rows).map { [.integer(1), .int($0 + 2), .text(trn($0)), .text("induction-period.opened"),
                                                            .text("appropriate_body=AB1000 start=2026-09-01 programme=provider-led"), .text("2026-11-20")] }) }
                try timed("row_verdicts") { try connection.copy(into: "row_verdicts", columns: ["submission_id", "row_number", "trn", "status"],
                                    rows: (0..<rows).map { [.integer(1), .int($0 + 2), .text(trn($0)), .text("accepted")] }) }
            }
        }
        return costs
    }
}
