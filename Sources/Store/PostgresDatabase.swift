import Foundation

/// PostgreSQL's connection inside one transaction.
struct PostgresDatabase: SQLDatabase {
    let connection: PostgresConnection

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try connection.execute(sql, arguments.values).changed
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try connection.execute(sql, arguments.values).rows
    }

    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        try connection.forEachRow(sql, arguments.values, body)
    }

    func insert(_ sql: String, _ arguments: SQLArguments) throws -> Int64 {
        guard let id = try connection.execute(sql + " RETURNING id", arguments.values).rows.first.map({ $0[0] as Int64 }) else {
            throw PostgresError(message: "an insert returned no id", sqlState: nil)
        }
        return id
    }

    var prefersSetBased: Bool { true }

    /// The planner's statistics date from before this transaction: for a table the file is
    /// filling (empty on the first night) it would scan the whole table for each chunk's
    /// keys, a cost that grows with the square of the file. Every read of the working set
    /// is by key, so sequential scans are off until the transaction ends.
    func prepareForKeyedReads() throws {
        try connection.run("SET LOCAL enable_seqscan = off")
    }

    func matching(_ column: String, _ values: ArraySlice<String>) -> (sql: String, arguments: SQLArguments) {
        // An array literal: every element quoted, its quotes and backslashes escaped.
        let elements = values.map { value in
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return ("\(column) = ANY(CAST(? AS TEXT[]))", SQLArguments(values: [.text("{" + elements.joined(separator: ",") + "}")]))
    }

    func insertMany(_ name: HotStatements.Name, _ rows: [[SQLValue]], mayConflict: Bool) throws {
        let (head, tuple, tail) = name.parts
        // COPY costs a few more round trips than an INSERT: worth it from about a hundred rows.
        if !mayConflict, rows.count >= Self.rowsWorthCopying, let target = name.target {
            try connection.copy(into: target.table, columns: target.columns, rows: rows)
            return
        }
        for start in stride(from: 0, to: rows.count, by: Self.rowsPerStatement) {
            let slice = rows[start..<min(start + Self.rowsPerStatement, rows.count)]
            let sql = head + Array(repeating: tuple, count: slice.count).joined(separator: ", ") + tail
            try connection.execute(sql, slice.flatMap { $0 })
        }
    }

    /// Rows per multi-row insert (PostgreSQL takes up to 65,535 parameters a statement).
    static let rowsPerStatement = 500
    static let rowsWorthCopying = 100

    @discardableResult
    func hot(_ name: HotStatements.Name, _ values: [SQLValue]) throws -> Bool {
        !(try connection.executePrepared("hot_\(name.rawValue)", name.sql, values).rows.isEmpty)
    }
}
