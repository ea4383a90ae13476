import Domain
import GRDB
import Rules
import CSupport

/// The store: a SQLite file (WAL mode; the default) or a PostgreSQL database, the same
/// schema by migrations in either.
///
/// A `Store` is a connection with a lifetime; every change happens inside `write`, one
/// transaction, so a file's rows and its submission record commit or vanish together.
public final class Store {
    /// The SQLite file, or the PostgreSQL URL without its password.
    public let path: String
    enum Backend {
        case sqlite(DatabaseQueue, HotStatements)
        case postgres(PostgresConnection)
    }
    let backend: Backend

    /// `location` as messages may show it: a URL's password left out.
    public static func redacted(_ location: String) -> String {
        isPostgres(location) ? PostgresConnection.redacted(location) : location
    }

    /// Whether `location` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// Opens (creating if needed) the store at `location` — a SQLite file's path or a
    /// `postgresql://` URL — and brings its schema up to date.
    public convenience init(location: String) throws {
        if Self.isPostgres(location) {
            try self.init(postgres: location)
        } else {
            try self.init(path: location)
        }
    }

    /// Opens (creating if needed) the SQLite store at `path` and brings its schema up to date.
    public init(path: String) throws {
        _ = Self.processSetup
        self.path = path
        var config = Configuration()
        config.journalMode = .wal
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // Safe against a killed process in WAL; the run makes itself durable once,
            // before inputs leave the inbox (see Store.checkpoint()).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 64 MiB of page cache (the default is 2 MiB): a big file's transaction keeps
            // its index pages in memory instead of spilling them to the WAL mid-way.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        let queue = try DatabaseQueue(path: path, configuration: config)
        try Migrations.migrator.migrate(queue)
        backend = .sqlite(queue, HotStatements())
    }

    /// Connects to the PostgreSQL database at `url` (`postgresql://USER@HOST:PORT/DB`, as
    /// libpq reads it) and brings its schema up to date.
    public init(postgres url: String) throws {
        let connection = try PostgresConnection(url: url)
        try PostgresMigrations.migrate(connection)
        path = connection.location
        backend = .postgres(connection)
    }

    /// SQLite's process-wide settings, made once, before the first connection opens.
    private static let processSetup: Void = {
        // Memory statistics take a global mutex on every SQLite allocation; no one reads them.
        _ = ect_sqlite_disable_memory_statistics()
    }()

    /// Runs `body` in one write transaction: it commits when `body` returns, and rolls
    /// back when it throws.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let queue, let hot):
            return try queue.write { db in try body(StoreTransaction(db: SQLiteDatabase(db: db, hot: hot))) }
        case .postgres(let connection):
            return try connection.transaction(commit: true) { try body(StoreTransaction(db: PostgresDatabase(connection: connection))) }
        }
    }

    /// Runs `body` in a write transaction that is always rolled back: a dry run that
    /// sees its own changes and leaves nothing behind.
    public func rollingBack<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        switch backend {
        case .sqlite(let queue, let hot):
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction {
                    result = try body(StoreTransaction(db: SQLiteDatabase(db: db, hot: hot)))
                    return .rollback
                }
                return result!
            }
        case .postgres(let connection):
            return try connection.transaction(commit: false) { try body(StoreTransaction(db: PostgresDatabase(connection: connection))) }
        }
    }

    /// Runs `body` with a consistent view, in a transaction that is always rolled back,
    /// so nothing it does is kept.
    ///
    /// Not GRDB's `read`: that switches `PRAGMA query_only` on and off, and SQLite expires
    /// every prepared statement of the connection whenever such a flag changes, so the
    /// per-row statements were compiled again after each file's fingerprint look-up.
    public func read<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try rollingBack(body)
    }

    /// A private copy of the store at `path` (SQLite's online backup): a dry run works on
    /// it, so that it never holds the store's write lock while a run wants it. A
    /// PostgreSQL store is its own snapshot: a dry run's rolled-back transaction sees a
    /// consistent view and holds no lock a run waits for but on the rows it touches.
    public func snapshot(to path: String) throws -> Store {
        switch backend {
        case .sqlite(let queue, _):
            let copy = try Store(path: path)
            guard case .sqlite(let target, _) = copy.backend else { return copy }
            try queue.backup(to: target)
            return copy
        case .postgres:
            return self
        }
    }

    /// Makes every committed transaction survive a power cut: SQLite's WAL written into the
    /// database file and synced. PostgreSQL's commits are durable as they return.
    public func checkpoint() throws {
        guard case .sqlite(let queue, _) = backend else { return }
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(FULL)")
        }
    }

    /// Takes PostgreSQL's session advisory lock for runs, beside the data root's file
    /// lock: two data roots pointed at one database never run at once. False when another
    /// session holds it; always true for SQLite (its root's lock is enough).
    public func takeRunLock() throws -> Bool {
        guard case .postgres(let connection) = backend else { return true }
        let rows = try connection.execute("SELECT pg_try_advisory_lock(\(Self.runLockKey))", []).rows
        return rows.first.map { $0[0] as Bool } ?? false
    }

    /// SQLite's per-row statements (for a test that they are never compiled again).
    var hot: HotStatements? {
        if case .sqlite(_, let hot) = backend { hot } else { nil }
    }

    /// The advisory lock key runs take ("ECTR" in ASCII).
    static let runLockKey = 0x4543_5452
}

extension PostgresConnection {
    /// Runs `body` between `BEGIN` and `COMMIT` (or `ROLLBACK`, when it throws or
    /// `commit` is false). Repeatable read: a report or dry run sees one moment.
    func transaction<T>(commit: Bool, _ body: () throws -> T) throws -> T {
        try run(commit ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ")
        do {
            let result = try body()
            try run(commit ? "COMMIT" : "ROLLBACK")
            return result
        } catch {
            try? run("ROLLBACK")
            throw error
        }
    }
}
