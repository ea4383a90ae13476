#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSupport
import Domain
import Store

/// `ect-batch export-outcomes --to FILE`: the outcomes TRS must learn that no export has
/// carried yet, as CSV (`trn,status,start_date,completed_date,modified_on`), each exactly
/// once however often the command is killed and run again.
///
/// The export is recorded, with the outcomes it carries, before the file is written; the
/// file is written under a temporary name and linked into place (never over an existing
/// file, which may not have been delivered yet); then the export is finished. An export a
/// kill left unfinished is finished if its file is in place, and undone otherwise.
public struct OutcomeExporter {
    public let root: DataRoot
    /// Testing only: the process kills itself after claiming the outcomes (1) or after
    /// putting the file in place (2), to prove the export exactly-once.
    public var killAt: Int?

    public init(root: DataRoot, killAt: Int? = nil) {
        self.root = root
        self.killAt = killAt
    }

    public struct Outcome: Sendable {
        /// Outcomes in the file written now (0: no file written).
        public var exported = 0
        /// Unfinished exports found and finished (their file was in place) or undone.
        public var finished = 0
        public var undone = 0
    }

    public func export(to path: String) throws(RunError) -> Outcome {
        // Never beside a delivery, which claims the same pending outcomes.
        let lock = try RunLock(path: root.lock)
        defer { withExtendedLifetime(lock) {} }
        let store = try root.openForRun()
        var outcome = Outcome()
        do {
            for unfinished in try store.read({ try $0.unfinishedExports() }) {
                if access(unfinished.path, F_OK) == 0 {
                    try store.write { try $0.finishExport(unfinished, at: Timestamp.now()) }
                    outcome.finished += 1
                } else {
                    try store.write { try $0.abandonExport(unfinished) }
                    outcome.undone += 1
                }
            }
        } catch {
            throw .store(String(describing: error))
        }
        guard access(path, F_OK) != 0 else {
            throw .system(SystemError(.create, path, errno: EEXIST))
        }
        let started: (OutcomeExport, [QueuedOutcome])?
        do {
            started = try store.write { try $0.startExport(to: path, at: Timestamp.now()) }
        } catch {
            throw .store(String(describing: error))
        }
        guard let (export, outcomes) = started else { return outcome }
        if killAt == 1 { kill(getpid(), SIGKILL) }
        var text = "trn,status,start_date,completed_date,modified_on\r\n"
        for item in outcomes {
            text += "\(item.trn),\(item.status),\(item.startDate),\(item.completedDate ?? ""),\(Self.milliseconds(item.recordedAt))\r\n"
        }
        try Self.place(text, at: path)
        if killAt == 2 { kill(getpid(), SIGKILL) }
        do {
            try store.write { try $0.finishExport(export, at: Timestamp.now()) }
        } catch {
            throw .store(String(describing: error))
        }
        outcome.exported = outcomes.count
        return outcome
    }

    /// `2026-11-20T18:00:00Z` as `2026-11-20T18:00:00.000Z`, the form TRS's `modifiedOn` takes.
    static func milliseconds(_ time: String) -> String {
        guard time.hasSuffix("Z"), !time.contains(".") else { return time }
        return String(time.dropLast()) + ".000Z"
    }

    /// Writes `text` beside `path` and links it into place: never over an existing file.
    static func place(_ text: String, at path: String) throws(RunError) {
        let temporary = path + ".\(getpid()).part"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw .system(.last(.create, temporary)) }
        defer { unlink(temporary) }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard written > 0 else {
                let error = SystemError.last(.write, temporary)
                close(descriptor)
                throw .system(error)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let error = SystemError.last(.sync, temporary)
            close(descriptor)
            throw .system(error)
        }
        close(descriptor)
        guard link(temporary, path) == 0 else { throw .system(.last(.create, path)) }
    }
}
