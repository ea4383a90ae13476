import Domain
import GRDB
import Rules
import CSupport

/// The SQLite store: one file, WAL mode, schema by migrations.
///
/// A `Store` is a connection with a lifetime; every change happens inside `write`, one
/// transaction, so a file's rows and its submission record commit or vanish together.
public final class Store {
    public let path: String
    private let queue: DatabaseQueue
    /// The per-row statements, prepared on the queue's one connection.
    let hot = HotStatements()

    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
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
        queue = try DatabaseQueue(path: path, configuration: config)
        try Migrations.migrator.migrate(queue)
    }

    /// SQLite's process-wide settings, made once, before the first connection opens.
    private static let processSetup: Void = {
        // Memory statistics take a global mutex on every SQLite allocation; no one reads them.
        _ = ect_sqlite_disable_memory_statistics()
    }()

    /// Runs `body` in one write transaction: it commits when `body` returns, and rolls
    /// back when it throws.
    public func write<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try queue.write { db in try body(StoreTransaction(db: SQLiteDatabase(db: db, hot: hot))) }
    }

    /// Runs `body` in a write transaction that is always rolled back: a dry run that
    /// sees its own changes and leaves nothing behind.
    public func rollingBack<T>(_ body: (StoreTransaction) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction {
                result = try body(StoreTransaction(db: SQLiteDatabase(db: db, hot: hot)))
                return .rollback
            }
            return result!
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
    /// it, so that it never holds the store's write lock while a run wants it.
    public func snapshot(to path: String) throws -> Store {
        let copy = try Store(path: path)
        try queue.backup(to: copy.queue)
        return copy
    }

    /// Writes the WAL into the database file and syncs it: after this returns, every
    /// committed transaction survives a power cut.
    public func checkpoint() throws {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(FULL)")
        }
    }
}
