import Domain
import Store

/// What happened to one inbox file.
public struct FileReport: Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Rows validated; accepted ones applied.
        case processed
        /// The same bytes from the same submitter were processed before: the result was
        /// written again and nothing was applied.
        case reissued
        /// Refused as a whole, with a result file; the input is quarantined.
        case refused(Problem)
        /// The submitter is unknown: no result can be addressed; the input is quarantined.
        case quarantined(Problem)
    }

    public let file: InboxFile
    public var outcome: Outcome
    public var kind: SubmissionKind?
    public var format: FileFormat?
    public var accepted = 0
    public var rejected = 0
    public var codes: [ErrorCode: Int] = [:]
    public var resultPath: String?
    public var milliseconds = 0

    public init(file: InboxFile, outcome: Outcome) {
        self.file = file
        self.outcome = outcome
    }

    public var rows: Int { accepted + rejected }
}

extension RunCounts {
    /// `20 files (16 processed, 3 refused, 1 quarantined, 0 re-issued); 52 rows accepted, 89 rejected`.
    public var line: String {
        "\(files) files (\(processed) processed, \(refused) refused, \(quarantined) quarantined, \(reissued) re-issued); "
            + "\(accepted) rows accepted, \(rejected) rejected" + (waiting > 0 ? "; \(waiting) files waiting" : "")
    }
}
