import Foundation
import Synchronization

/// Where a test's store lives: `<root>/ect.sqlite`, or — when `ECT_TEST_POSTGRES` names a
/// PostgreSQL server's `postgres` database (as CI sets it, see `scripts/postgres-up.sh`) —
/// a database of its own on that server, one per data root, made on first use.
public enum TestStore {
    public static let postgres = ProcessInfo.processInfo.environment["ECT_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// The store location for the data root at `root`.
    public static func location(for root: String) throws -> String {
        guard let server = postgres else { return root + "/ect.sqlite" }
        let name = "ect_" + String(UInt64(bitPattern: Int64(root.hashValue)) % 1_000_000_000_000, radix: 36)
        let isNew = made.withLock { $0.insert(name).inserted }
        if isNew { try makeDatabase(name, on: server) }
        return base(server) + "/" + name
    }

    /// Makes the database `name` anew on the server whose database `server` names (empty,
    /// or a copy of `template`); returns its URL.
    @discardableResult
    public static func makeDatabase(_ name: String, on server: String, template: String? = nil) throws -> String {
        // From the maintenance database: a template must have no session, psql's included.
        try psql(base(server) + "/postgres", "DROP DATABASE IF EXISTS \(name)",
                 "CREATE DATABASE \(name)" + (template.map { " TEMPLATE \($0)" } ?? ""))
        return base(server) + "/" + name
    }

    /// After `cp -a root copy`: gives `copy` a store like `root`'s (a PostgreSQL database
    /// made from `root`'s; SQLite's file came with the copy).
    public static func copy(from root: String, to copy: String) throws {
        guard let server = postgres else { return }
        let source = name(try location(for: root))
        let target = name(try location(for: copy))
        try makeDatabase(target, on: server, template: source)
    }

    private static let made = Mutex(Set<String>())

    private static func base(_ server: String) -> String {
        server.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }

    private static func name(_ url: String) -> String { String(url.split(separator: "/").last!) }

    private static func psql(_ server: String, _ statements: String...) throws {
        let result = try Command.run("/usr/bin/psql", ["-q", "-v", "ON_ERROR_STOP=1", server]
            + statements.flatMap { ["-c", $0] })
        guard result.status == 0 else { throw TestStoreError(message: result.output) }
    }

    struct TestStoreError: Error, CustomStringConvertible {
        let message: String
        var description: String { "psql: \(message)" }
    }
}
