import Domain
import GRDB
import GRDBSQLite

/// The statements run for every row, prepared once per connection and run with values
/// bound straight to SQLite.
///
/// GRDB's general path (a statement cache keyed by SQL text, an array of existential
/// arguments, validation) costs more than SQLite's own work for these one-row inserts;
/// everything else in the store goes through GRDB.
final class HotStatements {
    enum Name: Int, CaseIterable {
        case teacherKnown, insertTeacher, insertPeriod, insertOutbox, insertEvent, insertVerdict, insertRegistration
        case emailInUse
        /// An extension with the ID given (a working set numbers a file's new extensions).
        case insertExtension

        var sql: String {
            switch self {
            case .teacherKnown: "SELECT 1 FROM teachers WHERE trn = ?"
            case .insertTeacher: """
                INSERT INTO teachers (trn, trs_first_name, trs_last_name, created_by_submission_id)
                VALUES (?, ?, ?, ?) ON CONFLICT (trn) DO NOTHING
                """
            case .insertPeriod: """
                INSERT INTO induction_periods (trn, appropriate_body_id, start_date, programme, opened_by_submission_id, opened_by_row)
                VALUES (?, ?, ?, ?, ?, ?)
                """
            case .insertOutbox: """
                INSERT INTO trs_outbox (trn, induction_status, start_date, completion_date, submission_id, row_number)
                VALUES (?, ?, ?, ?, ?, ?)
                """
            case .insertEvent: """
                INSERT INTO events (submission_id, row_number, trn, name, detail, as_of) VALUES (?, ?, ?, ?, ?, ?)
                """
            case .insertVerdict: """
                INSERT INTO row_verdicts (submission_id, row_number, trn, status, error_codes, error_messages,
                                          warning_codes, warning_messages, extension_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            case .insertRegistration: """
                INSERT INTO school_registrations (trn, role, school_urn, start_date, email, working_pattern, appropriate_body_id,
                  training_programme, lead_provider_id, created_by_submission_id, created_by_row)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            case .insertExtension: """
                INSERT INTO extensions (id, trn, terms_tenths, created_by_submission_id, created_by_row) VALUES (?, ?, ?, ?, ?)
                """
            case .emailInUse: """
                SELECT 1 FROM school_registrations
                WHERE email = ? AND trn <> ? AND (end_date IS NULL OR end_date >= ?) LIMIT 1
                """
            }
        }
    }

    private var prepared: [Statement?] = Array(repeating: nil, count: Name.allCases.count)

    /// Binds `values` to the statement, steps it once and resets it; true when it
    /// produced a row (for queries), false when done.
    @discardableResult
    func run(_ name: Name, in db: Database, _ values: [SQLValue]) throws -> Bool {
        let statement: Statement
        if let known = prepared[name.rawValue] {
            statement = known
        } else {
            statement = try db.makeStatement(sql: name.sql)
            prepared[name.rawValue] = statement
        }
        let handle = statement.sqliteStatement
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(handle, index)
            case .integer(let number): sqlite3_bind_int64(handle, index, number)
            case .real(let number): sqlite3_bind_double(handle, index, number)
            case .text(var text):
                // The UTF-8 bytes in place, with their length: passing the String itself
                // made a NUL-terminated copy of every short one.
                text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        sqlite3_bind_text(handle, index, "", 0, SQLValue.transient)
                        return
                    }
                    base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        _ = sqlite3_bind_text(handle, index, $0, Int32(bytes.count), SQLValue.transient)
                    }
                }
            }
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_ROW || code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: name.sql)
        }
        sqlite3_reset(handle)
        return code == SQLITE_ROW
    }
}

extension HotStatements {
    /// How many times SQLite has compiled `name` again since it was prepared (after
    /// something expired it); 0 when it has not been prepared yet.
    func recompilations(of name: Name) -> Int {
        guard let statement = prepared[name.rawValue] else { return 0 }
        return Int(sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_REPREPARE, 0))
    }
}

extension SQLValue {
    /// SQLite copies the text before `bind` returns (its `SQLITE_TRANSIENT`).
    static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}
