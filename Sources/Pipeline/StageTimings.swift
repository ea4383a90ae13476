/// Where a run's time goes, stage by stage, so that file-system time shows apart from
/// computation.
public struct StageTimings: Sendable {
    public enum Stage: String, CaseIterable, Sendable {
        /// Opening the store and reading the reference data.
        case load
        /// Listing the inbox.
        case discover
        /// Reading the TRS extract; or asking TRS's API about the night's teachers ahead of
        /// their rows (reading the files for their TRNs and dates of birth included).
        case trs
        /// Hashing each file, and looking the hash up in the store.
        case fingerprint
        /// The first pass: format, kind, duplicate TRNs.
        case scan
        /// Reading the rows again in the second pass.
        case read
        /// The rules, with the store reads they make.
        case validate
        /// Applying accepted changes and recording verdicts.
        case apply
        /// Creating the result and archive files (and their folders) and writing their rows.
        case write
        /// Committing, renaming results and archive into place, removing the input.
        case commit
        /// The run's and the cumulative reports.
        case reports
    }

    public private(set) var nanoseconds: [Stage: Int64] = [:]

    public init() {}

    /// Adds the time since `start` (from `Inbox.nowNanoseconds()`) to `stage`; returns now.
    @discardableResult
    public mutating func add(_ stage: Stage, since start: Int64) -> Int64 {
        let now = Inbox.nowNanoseconds()
        nanoseconds[stage, default: 0] += now - start
        return now
    }

    public mutating func merge(_ other: StageTimings) {
        for (stage, time) in other.nanoseconds { nanoseconds[stage, default: 0] += time }
    }

    public func seconds(_ stage: Stage) -> Double { Double(nanoseconds[stage] ?? 0) / 1e9 }
}
