import Domain

/// A value sent to or read from either database.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
    static func int(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
    static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    static func day(_ value: Day?) -> SQLValue { value.map { .text($0.iso) } ?? .null }
    static func trn(_ value: TRN?) -> SQLValue { value.map { .text($0.description) } ?? .null }

    /// The value as text, as PostgreSQL's text protocol carries every value.
    var text: String? {
        switch self {
        case .null: nil
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        }
    }
}

/// What may be bound to a `?`.
public protocol SQLArgument: Sendable {
    var sqlValue: SQLValue { get }
}

extension String: SQLArgument { public var sqlValue: SQLValue { .text(self) } }
extension Int: SQLArgument { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int64: SQLArgument { public var sqlValue: SQLValue { .integer(self) } }
extension Double: SQLArgument { public var sqlValue: SQLValue { .real(self) } }
extension Bool: SQLArgument { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Optional: SQLArgument where Wrapped: SQLArgument {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A statement's arguments, written as an array literal: `["AB001", 3, nil]`.
public struct SQLArguments: ExpressibleByArrayLiteral, Sendable {
    public let values: [SQLValue]

    public init(arrayLiteral elements: (any SQLArgument)?...) {
        values = elements.map { $0?.sqlValue ?? .null }
    }

    public init(_ arguments: [any SQLArgument]) {
        values = arguments.map(\.sqlValue)
    }

    init(values: [SQLValue]) {
        self.values = values
    }
}

/// What a column's value may be read as.
public protocol SQLColumn {
    /// `nil` when the value cannot be this type (NULL for a non-optional).
    static func decode(_ value: SQLValue) -> Self?
}

extension String: SQLColumn {
    public static func decode(_ value: SQLValue) -> String? { value.text }
}

extension Int64: SQLColumn {
    public static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .real(let number): Int64(exactly: number.rounded())
        case .text(let text): Int64(text) ?? Double(text).flatMap { Int64(exactly: $0.rounded()) }
        case .null: nil
        }
    }
}

extension Int: SQLColumn {
    public static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).map(Int.init) }
}

extension Double: SQLColumn {
    public static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .integer(let number): Double(number)
        case .real(let number): number
        case .text(let text): Double(text)
        case .null: nil
        }
    }
}

extension Bool: SQLColumn {
    public static func decode(_ value: SQLValue) -> Bool? {
        switch value {
        case .text("t"), .text("true"): true
        case .text("f"), .text("false"): false
        default: Int64.decode(value).map { $0 != 0 }
        }
    }
}

extension Optional: SQLColumn where Wrapped: SQLColumn {
    public static func decode(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.decode(value).map { .some($0) }
    }
}

/// One row of a result.
public struct SQLRow: Sendable {
    let values: [SQLValue]

    /// The column at `index`, as `T`. A NULL or unreadable value where `T` cannot hold it
    /// is a store that does not hold what its schema says: a programming error.
    public subscript<T: SQLColumn>(_ index: Int) -> T {
        guard let value = T.decode(values[index]) else {
            preconditionFailure("column \(index) holds \(values[index]), not a \(T.self)")
        }
        return value
    }

    /// Every column as text ("" for NULL).
    var texts: [String] { values.map { $0.text ?? "" } }
}

/// One connection inside one transaction, SQLite's or PostgreSQL's. SQL is written once,
/// with `?` placeholders, in the SQL both databases speak.
protocol SQLDatabase {
    /// Runs a statement; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int
    func rows(_ sql: String, _ arguments: SQLArguments) throws -> [SQLRow]
    /// Calls `body` with each row as it comes, without holding them all.
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws
    /// Runs an `INSERT` into a table whose key is `id`; returns the new row's `id`.
    func insert(_ sql: String, _ arguments: SQLArguments) throws -> Int64
    /// Runs one of the per-row statements, prepared once; true when it produced a row.
    @discardableResult
    func hot(_ name: HotStatements.Name, _ values: [SQLValue]) throws -> Bool
    /// Runs the per-row insert `name` for every one of `rows`, as the database does it
    /// fastest: SQLite, in process, one prepared statement a row; PostgreSQL, across a
    /// socket, `COPY` — or, when a row may meet one the store holds (`mayConflict`),
    /// multi-row statements keeping the insert's conflict clause.
    func insertMany(_ name: HotStatements.Name, _ rows: [[SQLValue]], mayConflict: Bool) throws
    /// Whether reading a chunk's state in bulk and buffering its rows beats a statement a
    /// row: across a socket it does (measured 5×); SQLite's prepared per-row statements
    /// in process are faster than its bulk reads (see README, "Benchmark").
    var prefersSetBased: Bool { get }
    /// `column` matching any of `values`, as this database plans it fastest: `IN (?, …)`
    /// for SQLite, `= ANY(?)` with one array for PostgreSQL (planning 500 parameters
    /// cost more than the query).
    func matching(_ column: String, _ values: ArraySlice<String>) -> (sql: String, arguments: SQLArguments)
    /// Readies this transaction for many keyed reads of tables it is filling.
    func prepareForKeyedReads() throws
}

extension SQLDatabase {
    @discardableResult
    func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }

    @discardableResult
    func hot(_ name: HotStatements.Name, _ values: SQLValue...) throws -> Bool { try hot(name, values) }

    func row(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? { try rows(sql, arguments).first }

    func value<T: SQLColumn>(_ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        guard let row = try row(sql, arguments), let value = T.decode(row.values[0]) else { return nil }
        return value
    }
}
