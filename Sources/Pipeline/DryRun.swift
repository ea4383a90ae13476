#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Foundation
import Logging
import Parsers
import Reports
import Store
import TRS

/// `ect-batch validate`: the verdicts a run would give one file against the current
/// store, through the run's own code. Nothing is changed and no file is written or moved.
///
/// It works on a private copy of the store (SQLite's online backup, which only reads),
/// in a transaction that is rolled back: however big the file, it never holds the
/// store's write lock, so it never makes a nightly run wait or fail.
public struct DryRun {
    public enum Outcome: Sendable {
        /// Every row validated; `counts` says how they fared.
        case checked(kind: SubmissionKind, format: FileFormat, counts: ResultCounts)
        /// The same bytes from the same submitter were processed before: a run would
        /// re-issue these stored verdicts and apply nothing.
        case alreadyProcessed(counts: ResultCounts)
        /// A run would refuse the file as a whole.
        case refused(Problem)
    }

    public let root: DataRoot
    public let trsPath: String?
    /// TRS's API, used instead of an extract when given.
    public let trsAPI: TRSClient?
    public let asOf: Day
    public let logger: Logger

    public init(root: DataRoot, trsPath: String?, trsAPI: TRSClient? = nil, asOf: Day, logger: Logger) {
        self.root = root
        self.trsPath = trsPath
        self.trsAPI = trsAPI
        self.asOf = asOf
        self.logger = logger
    }

    /// Validates the file at `path` as if `submitter` had sent it, handing each row and
    /// its outcome to `each` in file order. A file that cannot be opened or read is an
    /// operational failure (`RunError.system`), not a verdict on the file.
    public func validate(path: String, as submitter: Submitter,
                         each: (SourceRow, RowOutcome) -> Void) throws(RunError) -> Outcome {
        let (shared, reference, trs) = try BatchRun.open(root: root, trsPath: trsPath, trsAPI: trsAPI, asOf: asOf, logger: logger)
        let copyPath = FileManager.default.temporaryDirectory.path + "/ect-validate-\(getpid())-\(UUID().uuidString).sqlite"
        defer {
            for suffix in ["", "-wal", "-shm"] { unlink(copyPath + suffix) }
        }
        let store: Store
        do {
            store = try shared.snapshot(to: copyPath)
        } catch {
            throw .store("cannot copy the store for a dry run: \(error)")
        }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let file = InboxFile(submitter: submitter, name: name, path: path, arrival: 0)
        if let trs = trs as? TRSAPISource {
            do throws(TRSError) {
                let scratch = FileManager.default.temporaryDirectory.path
                try trs.prefetch(TRSPrefetch.lookups(in: [file], asOf: asOf, scratch: scratch))
            } catch {
                throw .trs(error)
            }
        }
        let processor = FileProcessor(root: root, store: store, trs: trs, reference: reference, asOf: asOf,
                                      runID: nil, logger: logger)
        guard reference.knows(submitter) else {
            return .refused(Problem(.submitterUnknown, "The \(submitter.kind.noun) \"\(submitter.id)\" is not in the reference data."))
        }
        do {
            let sha256 = try Fingerprint.sha256(path: path)
            if let existing = try store.read({ try $0.submission(from: submitter, sha256: sha256) }), existing.status == .processed {
                return .alreadyProcessed(counts: try processor.storedOutcomes(file, existing, each: each))
            }
            let scan = try FileProcessor.scan(file)
            let counts = try store.rollingBack { tx in
                try processor.validateRows(file, scan, sha256: sha256, resultName: nil, in: tx, each: each)
            }
            return .checked(kind: scan.kind, format: scan.format, counts: counts)
        } catch ReadError.content(let error) {
            return .refused(error.problem)
        } catch FileProcessor.ScanError.refusal(let refusal) {
            return .refused(refusal.problem)
        } catch FileProcessor.ScanError.system(let error) {
            throw .system(error)
        } catch {
            throw FileProcessor.failure(error)
        }
    }
}
