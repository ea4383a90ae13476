import CPostgres
import Foundation

/// An error PostgreSQL (or libpq) reported: the message and, from the server, its SQLSTATE.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let sqlState: String?

    public var description: String {
        "PostgreSQL: \(message.trimmingCharacters(in: .whitespacesAndNewlines))\(sqlState.map { " (SQLSTATE \($0))" } ?? "")"
    }
}

/// One connection through libpq, used from one thread at a time. Statements are sent
/// with `?` placeholders (turned into `$1…`) and text-format values; results come back
/// as text, read by `SQLColumn`.
final class PostgresConnection {
    private let connection: OpaquePointer
    /// The location without its password, for messages.
    let location: String
    private var prepared: Set<String> = []

    init(url: String) throws {
        guard let connection = PQconnectdb(url) else { throw PostgresError(message: "out of memory", sqlState: nil) }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(message: "cannot connect to \(Self.redacted(url)): \(message)", sqlState: nil)
        }
        self.connection = connection
        location = Self.redacted(url)
        // Messages in English, dates as ISO, no notices on stderr.
        try run("SET client_min_messages = warning")
        try run("SET DateStyle = ISO")
    }

    deinit { PQfinish(connection) }

    /// `postgresql://user:secret@host/db` as `postgresql://user@host/db`.
    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"),
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + String(url[at...])
    }

    /// Runs SQL with no parameters (several statements allowed).
    func run(_ sql: String) throws {
        let result = PQexec(connection, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs one statement with `arguments`; returns its result's rows and changed count.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> (rows: [SQLRow], changed: Int) {
        let result = withParameters(arguments) { values, lengths in
            PQexecParams(connection, Self.numbered(sql), Int32(arguments.count), nil, values, lengths, nil, 0)
        }
        defer { PQclear(result) }
        try check(result)
        return (Self.rows(of: result), Self.changed(result))
    }

    /// Runs the statement prepared under `name` (preparing it the first time).
    func executePrepared(_ name: String, _ sql: String, _ arguments: [SQLValue]) throws -> (rows: [SQLRow], changed: Int) {
        if !prepared.contains(name) {
            let result = PQprepare(connection, name, Self.numbered(sql), Int32(arguments.count), nil)
            defer { PQclear(result) }
            try check(result)
            prepared.insert(name)
        }
        let result = withParameters(arguments) { values, lengths in
            PQexecPrepared(connection, name, Int32(arguments.count), values, lengths, nil, 0)
        }
        defer { PQclear(result) }
        try check(result)
        return (Self.rows(of: result), Self.changed(result))
    }

    /// `COPY table (columns) FROM STDIN` of `rows`, in COPY's text format: the fastest way
    /// PostgreSQL takes rows.
    func copy(into table: String, columns: [String], rows: [[SQLValue]]) throws {
        let start = PQexec(connection, "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN")
        guard PQresultStatus(start) == PGRES_COPY_IN else {
            defer { PQclear(start) }
            try check(start)
            throw PostgresError(message: "COPY did not start", sqlState: nil)
        }
        PQclear(start)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        func send() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withUnsafeBufferPointer { bytes in
                bytes.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                    PQputCopyData(connection, $0, Int32(bytes.count))
                }
            }
            guard sent == 1 else { throw PostgresError(message: String(cString: PQerrorMessage(connection)), sqlState: nil) }
            buffer.removeAll(keepingCapacity: true)
        }
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.append(0x09) }
                guard let text = value.text else {
                    buffer.append(contentsOf: [0x5C, 0x4E])  // \N
                    continue
                }
                for byte in text.utf8 {
                    switch byte {
                    case 0x5C: buffer.append(contentsOf: [0x5C, 0x5C])
                    case 0x09: buffer.append(contentsOf: [0x5C, 0x74])
                    case 0x0A: buffer.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: buffer.append(contentsOf: [0x5C, 0x72])
                    default: buffer.append(byte)
                    }
                }
            }
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { try send() }
        }
        try send()
        guard PQputCopyEnd(connection, nil) == 1 else {
            throw PostgresError(message: String(cString: PQerrorMessage(connection)), sqlState: nil)
        }
        var failure: (any Error)?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            if failure == nil {
                do { try check(result) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// Sends a query and hands over its rows one at a time (libpq's single-row mode), so
    /// that a million verdicts never sit in memory at once.
    func forEachRow(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let sent = withParameters(arguments) { values, lengths in
            PQsendQueryParams(connection, Self.numbered(sql), Int32(arguments.count), nil, values, lengths, nil, 0)
        }
        guard sent == 1 else { throw PostgresError(message: String(cString: PQerrorMessage(connection)), sqlState: nil) }
        PQsetSingleRowMode(connection)
        var failure: (any Error)?
        while let result = PQgetResult(connection) {
            defer { PQclear(result) }
            guard failure == nil else { continue }  // drain what is left before failing
            do {
                try check(result)
                for row in Self.rows(of: result) { try body(row) }
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
    }

    /// Calls `body` with the arguments as libpq takes them: NUL-terminated texts (NULL for
    /// NULL) and their lengths, all in one buffer.
    private func withParameters<R>(_ arguments: [SQLValue],
                                   _ body: ([UnsafePointer<CChar>?], [Int32]) throws -> R) rethrows -> R {
        var buffer: [CChar] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        offsets.reserveCapacity(arguments.count)
        for argument in arguments {
            guard let text = argument.text else {
                offsets.append(nil)
                lengths.append(0)
                continue
            }
            offsets.append(buffer.count)
            let bytes = text.utf8
            lengths.append(Int32(bytes.count))
            buffer.append(contentsOf: bytes.map { CChar(bitPattern: $0) })
            buffer.append(0)
        }
        return try buffer.withUnsafeBufferPointer { base in
            try body(offsets.map { offset in offset.map { base.baseAddress! + $0 } }, lengths)
        }
    }

    private func check(_ result: OpaquePointer?) throws {
        guard let result else { throw PostgresError(message: String(cString: PQerrorMessage(connection)), sqlState: nil) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_EMPTY_QUERY:
            return
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(message: String(cString: PQresultErrorMessage(result)), sqlState: state)
        }
    }

    private static func rows(of result: OpaquePointer?) -> [SQLRow] {
        let count = PQntuples(result), fields = PQnfields(result)
        guard count > 0 else { return [] }
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(count))
        for row in 0..<count {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(fields))
            for field in 0..<fields {
                if PQgetisnull(result, row, field) == 1 {
                    values.append(.null)
                } else {
                    values.append(.text(String(cString: PQgetvalue(result, row, field))))
                }
            }
            rows.append(SQLRow(values: values))
        }
        return rows
    }

    private static func changed(_ result: OpaquePointer?) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// `?` placeholders as `$1`, `$2`…, outside quoted strings and identifiers.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                out.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                out.append(character)
            } else if character == "?" {
                number += 1
                out += "$\(number)"
            } else {
                out.append(character)
            }
        }
        return out
    }
}
