import GRDB

/// SQLite's connection (through GRDB) inside one transaction.
struct SQLiteDatabase: SQLDatabase {
    let db: Database
    let hot: HotStatements

    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments)).map(Self.row)
    }

    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: Self.arguments(arguments))
        while let row = try cursor.next() { try body(Self.row(row)) }
    }

    func insert(_ sql: String, _ arguments: SQLArguments) throws -> Int64 {
        try execute(sql, arguments)
        return db.lastInsertedRowID
    }

    @discardableResult
    func hot(_ name: HotStatements.Name, _ values: [SQLValue]) throws -> Bool {
        try hot.run(name, in: db, values)
    }

    var prefersSetBased: Bool { false }

    func prepareForKeyedReads() throws {}

    func matching(_ column: String, _ values: ArraySlice<String>) -> (sql: String, arguments: SQLArguments) {
        ("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))",
         SQLArguments(values: values.map(SQLValue.text)))
    }

    func insertMany(_ name: HotStatements.Name, _ rows: [[SQLValue]], mayConflict: Bool) throws {
        for row in rows { try hot.run(name, in: db, row) }
    }

    private static func arguments(_ arguments: SQLArguments) -> StatementArguments {
        StatementArguments(arguments.values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .integer(let number): number
            case .real(let number): number
            case .text(let text): text
            }
        })
    }

    private static func row(_ row: Row) -> SQLRow {
        SQLRow(values: row.databaseValues.map { value in
            switch value.storage {
            case .null: .null
            case .int64(let number): .integer(number)
            case .double(let number): .real(number)
            case .string(let text): .text(text)
            case .blob(let data): .text(String(decoding: data, as: UTF8.self))
            }
        })
    }
}
