#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Store

/// The folders and files of one data root.
public struct DataRoot: Sendable {
    public let path: String
    /// The store: `<root>/ect.sqlite`, or a PostgreSQL database's `postgresql://` URL.
    public let store: String

    public init(path: String, store: String? = nil) {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
        self.store = store ?? trimmed + "/ect.sqlite"
    }

    /// The store, for a run, a delivery or an export: with PostgreSQL, after taking its
    /// advisory lock as well as the root's (two roots on one database never run at once).
    public func openForRun() throws(RunError) -> Store {
        let store = try openExisting()
        let locked: Bool
        do {
            locked = try store.takeRunLock()
        } catch {
            throw .store(String(describing: error))
        }
        guard locked else { throw .lockHeld(path: storeName, holder: "another session of this database") }
        return store
    }

    /// The store as messages may name it (a URL's password left out).
    public var storeName: String { Store.redacted(store) }

    public var inbox: String { path + "/inbox" }
    public var outbox: String { path + "/outbox" }
    public var archive: String { path + "/archive" }
    public var quarantine: String { path + "/quarantine" }
    public var reports: String { path + "/reports" }
    /// Outputs being written, XML conversions, processed inputs until the run ends (see
    /// `RetiredInputs`); emptied at the start and the end of every run.
    public var temporary: String { path + "/tmp" }
    public var trs: String { path + "/trs" }
    public var lock: String { path + "/ect-batch.lock" }

    /// `<archive>/<as-of>`: the inputs of runs as of that day.
    public func archive(asOf: Day) -> String { archive + "/" + asOf.iso }

    /// `<folder>/<submitter-kind>/<submitter-id>`.
    public func folder(_ base: String, for submitter: Submitter) -> String {
        "\(base)/\(submitter.kind.rawValue)/\(submitter.id)"
    }

    /// The store of a data root that exists: a missing root is an error (exit 66), not a
    /// new empty store made where a mistyped `--root` points.
    public func openExisting() throws(RunError) -> Store {
        guard Inbox.type(of: path) == S_IFDIR else { throw .system(SystemError(.stat, path, errno: ENOENT)) }
        // SQLite says only that it cannot open the file when this process has no
        // descriptor left for the store, its WAL and shared memory: that is a shortage
        // (73), not a broken store (74), so it is checked first.
        var spare: [Int32] = []
        defer { spare.forEach { close($0) } }
        for _ in 0..<4 {
            let fd = dup(2)
            guard fd >= 0 else { throw .system(.last(.open, store)) }
            spare.append(fd)
        }
        spare.forEach { close($0) }
        spare = []
        do {
            return try Store(location: store)
        } catch {
            throw .store(String(describing: error))
        }
    }
}
