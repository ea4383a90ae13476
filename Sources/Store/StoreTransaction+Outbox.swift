import Domain

/// An outcome TRS must learn (induction begun, passed, failed), as queued in the outbox.
public struct QueuedOutcome: Hashable, Sendable {
    public let id: Int64
    public let trn: String
    /// TRS's induction status: `InProgress`, `Passed` or `Failed`.
    public let status: String
    public let startDate: String
    public let completedDate: String?
    /// When it was recorded (the processing time of the file that caused it), UTC.
    public let recordedAt: String
}

/// An export of outcomes to a file: recorded before the file is written, finished once it
/// is in place; one left unfinished by a kill is finished or undone by the next export.
public struct OutcomeExport: Hashable, Sendable {
    public let id: Int64
    public let path: String
}

extension StoreTransaction {
    /// Exports left unfinished (a kill between claiming their outcomes and finishing).
    public func unfinishedExports() throws -> [OutcomeExport] {
        try db.rows("SELECT id, path FROM trs_exports WHERE finished_at IS NULL ORDER BY id").map {
            OutcomeExport(id: $0[0], path: $0[1])
        }
    }

    /// Starts an export to `path`: every outcome not yet exported is claimed for it, oldest
    /// first. Returns the export and its outcomes (none: nothing is recorded).
    public func startExport(to path: String, at time: String) throws -> (OutcomeExport, [QueuedOutcome])? {
        guard try pendingOutcomeCount() > 0 else { return nil }
        let export = OutcomeExport(
            id: try db.insert("INSERT INTO trs_exports (path, started_at) VALUES (?, ?)", [path, time]), path: path)
        try db.execute("UPDATE trs_outbox SET export_id = ? WHERE \(Self.pendingOutcome)", [export.id])
        return (export, try outcomes(of: export))
    }

    /// Neither exported nor answered for good by TRS's API.
    static let pendingOutcome = "export_id IS NULL AND delivery_state IS NULL"

    /// How many outcomes wait for delivery or export.
    public func pendingOutcomeCount() throws -> Int {
        try db.value("SELECT count(*) FROM trs_outbox WHERE \(Self.pendingOutcome)") ?? 0
    }

    /// The outcomes an export claimed, oldest first.
    public func outcomes(of export: OutcomeExport) throws -> [QueuedOutcome] {
        try queuedOutcomes(where: "o.export_id = ?", arguments: [export.id])
    }

    /// Up to `limit` outcomes still to deliver, oldest first, after `id`.
    public func pendingOutcomes(after id: Int64, limit: Int) throws -> [QueuedOutcome] {
        try queuedOutcomes(where: "o.id > ? AND o.export_id IS NULL AND o.delivery_state IS NULL ORDER BY o.id LIMIT ?",
                           arguments: [id, limit], ordered: false)
    }

    private func queuedOutcomes(where condition: String, arguments: SQLArguments,
                                ordered: Bool = true) throws -> [QueuedOutcome] {
        try db.rows("""
            SELECT o.id, o.trn, o.induction_status, o.start_date, o.completion_date, s.processed_at
            FROM trs_outbox o JOIN submissions s ON s.id = o.submission_id
            WHERE \(condition)\(ordered ? " ORDER BY o.id" : "")
            """, arguments).map {
            QueuedOutcome(id: $0[0], trn: $0[1], status: $0[2], startDate: $0[3], completedDate: $0[4], recordedAt: $0[5])
        }
    }

    /// How TRS's API answered for an outcome, for good.
    public enum DeliveryState: String, Sendable {
        case delivered, superseded, failed
    }

    /// Records TRS's final answer for outcome `id`: `answer` is kept for operations (a
    /// superseded or failed one), never shown to submitters.
    public func recordDelivery(of id: Int64, _ state: DeliveryState, answer: String?, at time: String) throws {
        try db.execute("""
            UPDATE trs_outbox SET delivery_state = ?, delivered_at = ?, trs_answer = ?
            WHERE id = ? AND delivery_state IS NULL AND export_id IS NULL
            """, [state.rawValue, time, answer, id])
    }

    /// Marks an export's outcomes exported: its file is in place.
    public func finishExport(_ export: OutcomeExport, at time: String) throws {
        try db.execute("UPDATE trs_outbox SET exported_at = ? WHERE export_id = ?", [time, export.id])
        try db.execute("UPDATE trs_exports SET finished_at = ? WHERE id = ?", [time, export.id])
    }

    /// Undoes an export whose file never got in place: its outcomes are pending again.
    public func abandonExport(_ export: OutcomeExport) throws {
        try db.execute("UPDATE trs_outbox SET export_id = NULL WHERE export_id = ?", [export.id])
        try db.execute("DELETE FROM trs_exports WHERE id = ?", [export.id])
    }

    /// Outcomes by status and by where they stand: (status, state, count), the state one of
    /// `pending`, `exported` (to a file), `delivered`, `superseded` or `failed` (by the API).
    /// An outcome claimed by an export not yet finished is still pending.
    public func outcomeStates() throws -> [(status: String, state: String, count: Int)] {
        try db.rows("""
            SELECT induction_status,
                   CASE WHEN delivery_state IS NOT NULL THEN delivery_state
                        WHEN exported_at IS NOT NULL THEN 'exported' ELSE 'pending' END, count(*)
            FROM trs_outbox GROUP BY 1, 2 ORDER BY 1, 2
            """).map { ($0[0], $0[1], $0[2]) }
    }
}
