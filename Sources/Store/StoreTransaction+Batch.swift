import Domain
import Foundation

/// A file's working set, for validating its rows a chunk at a time (set-based): the
/// state of the chunk's teachers and e-mail addresses read in a few queries, answered from
/// memory, and the rows the chunk adds buffered and written in multi-row statements.
///
/// One teacher is on at most one accepted row of a file (a TRN twice in a file rejects
/// both rows), so no row reads another row's changes to its own teacher; what rows share
/// are e-mail addresses, which the working set keeps up to date as registrations are
/// added and ended. An update to a teacher whose rows are still buffered writes them first.
final class Batch {
    /// TRNs whose state was read, and which of them the store knows.
    private(set) var loaded: Set<String> = []
    private var known: Set<String> = []
    private var histories: [String: InductionHistory] = [:]
    /// E-mails whose registrations were read: each registration's id (nil: added by this
    /// file), teacher, role and end.
    private var loadedEmails: Set<String> = []
    private var byEmail: [String: [Holder]] = [:]

    struct Holder {
        let id: Int64?
        let trn: String
        let role: String
        let start: String
        var end: String?
    }

    /// Rows to insert, by per-row statement, in the order foreign keys need.
    static let order: [HotStatements.Name] = [.insertTeacher, .insertPeriod, .insertExtension, .insertRegistration,
                                             .insertOutbox, .insertEvent, .insertVerdict]
    private var pending: [HotStatements.Name: [[SQLValue]]] = [:]
    private(set) var pendingTRNs: Set<String> = []
    /// Induction periods to close, each as `closing` lists its values.
    private(set) var closes: [[SQLValue]] = []

    var isEmpty: Bool { closes.isEmpty && pending.values.allSatisfy(\.isEmpty) }

    /// The ID the file's next new extension takes: the next after the highest when the
    /// first is added, then counted here (one writer at a time, under the runs' lock).
    var nextExtensionID: Int64?

    /// Buffers the close of an induction period: its id, end, terms (tenths), outcome,
    /// fail confirmation day, closing submission and row, and teacher.
    func close(_ values: [SQLValue], trn: String) {
        closes.append(values)
        pendingTRNs.insert(trn)
    }

    func takeCloses() -> [[SQLValue]] {
        defer { closes = [] }
        return closes
    }

    /// Teachers this file has added: with `known`, what a teacher insert may skip.
    private var added: Set<String> = []

    func buffer(_ name: HotStatements.Name, trn: String?, _ values: [SQLValue]) {
        if name == .insertTeacher, let trn {
            // The store has the teacher already (its insert would do nothing): skipped, so
            // that the rest can go in without a conflict clause.
            guard !known.contains(trn), added.insert(trn).inserted else { return }
            if !loaded.contains(trn) { teachersMayExist = true }
        }
        pending[name, default: []].append(values)
        if let trn { pendingTRNs.insert(trn) }
    }

    /// Whether the transaction was readied for keyed reads (see `SQLDatabase.prepareForKeyedReads`).
    var keyedReadsReady = false

    /// Whether a buffered teacher's TRN was not read by `load`: the store may hold it.
    private(set) var teachersMayExist = false

    func take() -> [(HotStatements.Name, [[SQLValue]])] {
        defer {
            pending = [:]
            pendingTRNs = []
            teachersMayExist = false
        }
        return Self.order.compactMap { name in pending[name].map { (name, $0) } }
    }

    func history(of trn: String) -> InductionHistory? {
        guard loaded.contains(trn) else { return nil }
        guard known.contains(trn) else { return .unknown }
        return histories[trn] ?? InductionHistory(isKnown: true)
    }

    /// `nil` when the e-mail was not read.
    func isEmailInUse(_ email: String, byOtherThan trn: String, on day: String) -> Bool? {
        guard loadedEmails.contains(email) else { return nil }
        return byEmail[email, default: []].contains { $0.trn != trn && ($0.end == nil || $0.end! >= day) }
    }

    func load(known: Set<String>, histories: [String: InductionHistory], trns: [String],
              emails: [String], holders: [String: [Holder]]) {
        loaded = Set(trns)
        self.known = known
        self.histories = histories
        loadedEmails = Set(emails)
        byEmail = holders
    }

    /// A registration this file adds.
    func added(email: String, trn: String, role: String, start: String) {
        guard loadedEmails.contains(email) else { return }
        byEmail[email, default: []].append(Holder(id: nil, trn: trn, role: role, start: start, end: nil))
    }

    /// Registrations of `trn` that an update ended: those matching `which` end on `end`
    /// (or on their own start, when that is later).
    func ended(trn: String, where which: (Holder) -> Bool, on end: String) {
        for email in byEmail.keys {
            for index in byEmail[email]!.indices where byEmail[email]![index].trn == trn && which(byEmail[email]![index]) {
                let holder = byEmail[email]![index]
                byEmail[email]![index].end = max(holder.start, end)
            }
        }
    }
}

extension StoreTransaction {
    /// This transaction with a working set: `load` each chunk's teachers, then validate
    /// and apply its rows, then `flush` — where the database prefers it (`force`: always,
    /// for tests); otherwise this transaction as it is, on which `load` and `flush` do nothing.
    public func batched(force: Bool = false) -> StoreTransaction {
        guard force || db.prefersSetBased else { return self }
        return StoreTransaction(db: db, batch: Batch())
    }

    /// Whether this transaction has a working set (else `load` and `flush` do nothing).
    public var isBatched: Bool { batch != nil }

    /// Reads the state of `trns` (and who else holds `emails`) in a few queries.
    public func load(trns: [TRN], emails: [String]) throws {
        guard let batch else { return }
        try flush()
        if !batch.keyedReadsReady {
            try db.prepareForKeyedReads()
            batch.keyedReadsReady = true
        }
        let keys = Array(Set(trns.map(\.description))).sorted()
        let addresses = Array(Set(emails)).sorted()
        var known: Set<String> = []
        var periods: [String: [InductionPeriod]] = [:]
        var extensions: [String: [Extension]] = [:]
        var registrations: [String: [SchoolRegistration]] = [:]
        var holders: [String: [Batch.Holder]] = [:]
        for chunk in Self.chunks(keys) {
            let (trnIn, arguments) = db.matching("trn", chunk)
            for row in try db.rows("SELECT trn FROM teachers WHERE \(trnIn)", arguments) { known.insert(row[0]) }
        }
        // Periods, extensions and registrations exist only for teachers the store has (each
        // change writes its teacher first): a file of new teachers needs no more reads.
        for chunk in Self.chunks(keys.filter(known.contains)) {
            let (trnIn, arguments) = db.matching("trn", chunk)
            let found = try records(where: trnIn, arguments)
            periods.merge(found.periods) { $0 + $1 }
            extensions.merge(found.extensions) { $0 + $1 }
            registrations.merge(found.registrations) { $0 + $1 }
        }
        for chunk in Self.chunks(addresses) {
            let (emailIn, arguments) = db.matching("email", chunk)
            for row in try db.rows("SELECT email, id, trn, role, start_date, end_date FROM school_registrations WHERE \(emailIn)",
                                   arguments) {
                holders[row[0], default: []].append(Batch.Holder(id: row[1], trn: row[2], role: row[3], start: row[4], end: row[5]))
            }
        }
        var histories: [String: InductionHistory] = [:]
        for trn in known {
            histories[trn] = InductionHistory(isKnown: true, periods: periods[trn] ?? [], extensions: extensions[trn] ?? [],
                                              registrations: registrations[trn] ?? [])
        }
        batch.load(known: known, histories: histories, trns: keys, emails: addresses, holders: holders)
    }

    /// Writes the buffered rows (see `SQLDatabase.insertMany`), then the buffered closes of
    /// induction periods, many a statement.
    public func flush() throws {
        guard let batch, !batch.isEmpty else { return }
        let mayConflict = batch.teachersMayExist
        let closes = batch.takeCloses()
        for (name, rows) in batch.take() { try db.insertMany(name, rows, mayConflict: name == .insertTeacher && mayConflict) }
        for start in stride(from: 0, to: closes.count, by: Self.closesPerStatement) {
            let slice = closes[start..<min(start + Self.closesPerStatement, closes.count)]
            // `VALUES` columns are column1, column2… in both databases.
            let closed = try db.execute("""
                UPDATE induction_periods
                SET end_date = v.column2, terms_tenths = CAST(v.column3 AS INTEGER), outcome = v.column4,
                    fail_confirmation_sent_on = v.column5, closed_by_submission_id = CAST(v.column6 AS BIGINT),
                    closed_by_row = CAST(v.column7 AS INTEGER)
                FROM (VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: slice.count).joined(separator: ", "))) AS v
                WHERE induction_periods.id = CAST(v.column1 AS BIGINT) AND induction_periods.trn = v.column8
                  AND induction_periods.end_date IS NULL
                """, SQLArguments(values: slice.flatMap { $0 }))
            guard closed == slice.count else {
                throw StoreError.conflict("\(slice.count - closed) of \(slice.count) induction periods to close are not open")
            }
        }
    }

    /// Periods closed a statement (eight values each).
    static let closesPerStatement = 500

    /// Buffers a per-row insert, or runs it at once without a working set.
    func insert(_ name: HotStatements.Name, trn: String?, _ values: SQLValue...) throws {
        if let batch {
            batch.buffer(name, trn: trn, values)
        } else {
            try db.hot(name, values)
        }
    }

    /// Writes what is buffered for `trn` before a statement that reads or updates its rows.
    func settle(_ trn: String) throws {
        if let batch, batch.pendingTRNs.contains(trn) { try flush() }
    }

    /// Keys a read matches at once.
    static let keysPerRead = 1_000

    static func chunks(_ keys: [String]) -> [ArraySlice<String>] {
        stride(from: 0, to: keys.count, by: keysPerRead).map { keys[$0..<min($0 + keysPerRead, keys.count)] }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}

extension HotStatements.Name {
    /// An insert's table and columns.
    var target: (table: String, columns: [String])? {
        let head = parts.head
        guard let into = head.range(of: "INSERT INTO "), let open = head.firstIndex(of: "("),
              let close = head.lastIndex(of: ")") else { return nil }
        let table = head[into.upperBound..<open].trimmingCharacters(in: .whitespacesAndNewlines)
        let columns = head[head.index(after: open)..<close].split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return (table, columns)
    }

    /// An insert's SQL around its one `VALUES` tuple, for a statement of many rows.
    var parts: (head: String, tuple: String, tail: String) {
        let sql = self.sql
        let values = sql.range(of: "VALUES")!
        let open = sql[values.upperBound...].firstIndex(of: "(")!
        let close = sql[open...].firstIndex(of: ")")!
        return (String(sql[..<open]), String(sql[open...close]), String(sql[sql.index(after: close)...]))
    }
}
