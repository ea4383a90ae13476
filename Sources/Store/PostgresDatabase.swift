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

    func insertMany(_ name: HotStatements.Name, _ rows: [[SQLValue]]) throws {
        let (head, tuple, tail) = name.parts
        // COPY, unless the insert has a conflict clause (a teacher the store may know).
        if tail.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, let target = name.target {
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

    @discardableResult
    func hot(_ name: HotStatements.Name, _ values: [SQLValue]) throws -> Bool {
        !(try connection.executePrepared("hot_\(name.rawValue)", name.sql, values).rows.isEmpty)
    }
}
