#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Logging
import Store
import TRS

/// `ect-batch deliver`: sends the outbox to TRS's API, oldest first, one
/// `PUT /v3/persons/{trn}/cpd-induction` per outcome (SPEC.md §4).
///
/// Each answer is recorded as soon as it comes: 204 delivered, 409 superseded, another 4xx
/// failed (with TRS's answer, for operations). When TRS stays unreachable (timeouts, 5xx,
/// after the client's retries) delivery stops and the rest waits for the next one, in
/// order: a teacher's pass is never sent before the start it follows.
///
/// Exactly once: a kill between TRS's answer and its record leaves the outcome pending,
/// and the next delivery sends the same change again, with the same `modifiedOn`, which
/// TRS takes as the change it already holds. Holds the data root's lock, so a delivery
/// never overlaps a run, an export, or another delivery.
public struct OutcomeDeliverer {
    public let root: DataRoot
    public let client: TRSClient
    public let logger: Logger
    /// Testing only: the process kills itself once this many answers have come, before
    /// the last is recorded.
    public var killAfterAnswers: Int?

    public init(root: DataRoot, client: TRSClient, logger: Logger, killAfterAnswers: Int? = nil) {
        self.root = root
        self.client = client
        self.logger = logger
        self.killAfterAnswers = killAfterAnswers
    }

    public struct Outcome: Sendable, Equatable {
        public var delivered = 0
        public var superseded = 0
        public var failed = 0
        /// Outcomes left pending because TRS stopped answering.
        public var pending = 0
        /// Why delivery stopped early, if it did.
        public var stoppedBecause: String?
    }

    public func deliver() throws(RunError) -> Outcome {
        let lock = try RunLock(path: root.lock)
        defer { withExtendedLifetime(lock) {} }
        let store = try root.openForRun()
        var outcome = Outcome()
        var answers = 0
        var after: Int64 = 0
        while true {
            let batch: [QueuedOutcome]
            do {
                batch = try store.read { try $0.pendingOutcomes(after: after, limit: 500) }
            } catch {
                throw .store(String(describing: error))
            }
            guard !batch.isEmpty else { break }
            for item in batch {
                let answer: TRSClient.Delivery
                do {
                    answer = try client.setInduction(
                        trn: item.trn, status: item.status, startDate: item.startDate, completedDate: item.completedDate,
                        modifiedOn: OutcomeExporter.milliseconds(item.recordedAt))
                } catch {
                    throw .trs(error)
                }
                answers += 1
                if answers == killAfterAnswers { kill(getpid(), SIGKILL) }
                let state: StoreTransaction.DeliveryState, kept: String?
                switch answer {
                case .delivered:
                    (state, kept) = (.delivered, nil)
                    outcome.delivered += 1
                case .superseded(let body):
                    (state, kept) = (.superseded, body)
                    outcome.superseded += 1
                case .failed(let status, let body):
                    (state, kept) = (.failed, "HTTP \(status): \(body)")
                    outcome.failed += 1
                    logger.warning("TRS refused the \(item.status) outcome \(item.id) for TRN \(item.trn): HTTP \(status); kept for operations")
                case .pending(let why):
                    outcome.stoppedBecause = why
                    do {
                        outcome.pending = try store.read { try $0.pendingOutcomeCount() }
                    } catch {
                        throw .store(String(describing: error))
                    }
                    return outcome
                }
                do {
                    try store.write { try $0.recordDelivery(of: item.id, state, answer: kept, at: Timestamp.now()) }
                } catch {
                    throw .store(String(describing: error))
                }
                after = item.id
            }
        }
        return outcome
    }
}
