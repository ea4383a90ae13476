extension StoreTransaction {
    /// What the store holds, as text lines, independent of when things ran and of the
    /// values of surrogate keys: rows in key order, each key (and each reference to one,
    /// in columns and in event details) shown by its rank (`#1`, `#2`…). PostgreSQL's
    /// identity sequences are not rolled back with a transaction, so a run killed mid-file
    /// leaves gaps an uninterrupted run does not; what the rows say, and which row refers
    /// to which, is compared exactly. For the crash tests and the random-kill soak.
    public func canonicalDump() throws -> [String] {
        func ranks(_ table: String) throws -> [String: String] {
            Dictionary(uniqueKeysWithValues: try rows("SELECT id FROM \(table) ORDER BY id").enumerated().map {
                ($1[0], "#\($0 + 1)")
            })
        }
        let (submission, period, extensionID) = (try ranks("submissions"), try ranks("induction_periods"), try ranks("extensions"))
        let (event, outbox, registration) = (try ranks("events"), try ranks("trs_outbox"), try ranks("school_registrations"))
        func ranked(_ sql: String, _ columns: [Int: [String: String]]) throws -> [[String]] {
            try rows(sql).map { row in row.enumerated().map { index, value in columns[index]?[value] ?? value } }
        }
        // Event details name extensions and registrations by id.
        let events = try ranked("SELECT * FROM events ORDER BY id", [0: event, 1: submission]).map { row in
            var row = row
            for (key, ranks) in [("extension=", extensionID), ("from_registration=", registration)] {
                if let range = row[5].range(of: key + "[0-9]+", options: .regularExpression) {
                    let id = String(row[5][range].dropFirst(key.count))
                    row[5].replaceSubrange(range, with: key + (ranks[id] ?? id))
                }
            }
            return row
        }
        let lines = try rows("""
            SELECT submitter_kind, submitter_id, file_name, sha256, kind, format, status, refusal_code, rows_total,
                   rows_accepted, rows_rejected, result_name, archive_entry
            FROM submissions ORDER BY id
            """)
            + ranked("SELECT * FROM teachers ORDER BY trn", [4: submission])
            + ranked("SELECT * FROM induction_periods ORDER BY id", [0: period, 9: submission, 11: submission])
            + ranked("SELECT * FROM extensions ORDER BY id", [0: extensionID, 3: submission, 5: submission])
            + events
            + ranked("SELECT * FROM trs_outbox ORDER BY id", [0: outbox, 5: submission])
            + ranked("SELECT * FROM school_registrations ORDER BY id", [0: registration, 11: submission, 13: submission])
            + ranked("SELECT * FROM row_verdicts ORDER BY submission_id, row_number", [0: submission, 8: extensionID])
        return lines.map { $0.joined(separator: "|") }
    }
}
