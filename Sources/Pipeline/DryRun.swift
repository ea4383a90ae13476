import Domain
import Logging
import Parsers
import Reports
import Store

/// `ect-batch validate`: the verdicts a run would give one file against the current
/// store, through the run's own code, in a transaction that is rolled back. Nothing is
/// changed and no file is written or moved.
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
    public let asOf: Day
    public let logger: Logger

    public init(root: DataRoot, trsPath: String?, asOf: Day, logger: Logger) {
        self.root = root
        self.trsPath = trsPath
        self.asOf = asOf
        self.logger = logger
    }

    /// Validates the file at `path` as if `submitter` had sent it, handing each row and
    /// its outcome to `each` in file order.
    public func validate(path: String, as submitter: Submitter,
                         each: (SourceRow, RowOutcome) -> Void) throws(RunError) -> Outcome {
        let (store, reference, trs) = try BatchRun.open(root: root, trsPath: trsPath, logger: logger)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let file = InboxFile(submitter: submitter, name: name, path: path, arrival: 0)
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
                try processor.validateRows(file, scan, sha256: sha256, in: tx, each: each)
            }
            return .checked(kind: scan.kind, format: scan.format, counts: counts)
        } catch let error as ParseError {
            return .refused(error.problem)
        } catch let refusal as FileProcessor.Refusal {
            return .refused(refusal.problem)
        } catch let error as RunError {
            throw error
        } catch {
            throw .store(String(describing: error))
        }
    }
}
