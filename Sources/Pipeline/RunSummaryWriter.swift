import Domain
import Parsers
import Reports

/// Writes `reports/runs/<run-id>/summary.json`: the run's files and rows by outcome,
/// with no personal data.
enum RunSummaryWriter {
    static func write(_ summary: BatchRun.Summary, to folder: String) throws(OutputError) {
        var codes: [ErrorCode: Int] = [:]
        for file in summary.files { for (code, count) in file.codes { codes[code, default: 0] += count } }
        func number(_ n: Int) -> JSONValue { .number(String(n)) }
        let files: [JSONValue] = summary.files.map { file in
            var outcome = ""
            var code: JSONValue = .null
            switch file.outcome {
            case .processed: outcome = "processed"
            case .reissued: outcome = "reissued"
            case .refused(let problem): outcome = "refused"; code = .string(problem.code.rawValue)
            case .quarantined(let problem): outcome = "quarantined"; code = .string(problem.code.rawValue)
            }
            return .object([
                ("submitterKind", .string(file.file.submitter.kind.rawValue)),
                ("submitterId", .string(file.file.submitter.id)),
                ("file", .string(file.file.name)),
                ("outcome", .string(outcome)),
                ("code", code),
                ("kind", file.kind.map { .string($0.rawValue) } ?? .null),
                ("format", file.format.map { .string($0.rawValue) } ?? .null),
                ("accepted", number(file.accepted)),
                ("rejected", number(file.rejected)),
                ("milliseconds", number(file.milliseconds)),
            ])
        }
        let document: JSONValue = .object([
            ("schemaVersion", number(1)),
            ("runId", .string(summary.runID)),
            ("asOf", .string(summary.asOf.iso)),
            ("milliseconds", number(summary.milliseconds)),
            ("files", number(summary.files.count)),
            ("rowsAccepted", number(summary.accepted)),
            ("rowsRejected", number(summary.rejected)),
            ("rejectionCodes", .object(codes.sorted { $0.key < $1.key }.map { ($0.key.rawValue, number($0.value)) })),
            ("fileDetails", .array(files)),
        ])
        let output = try AtomicFile(path: folder + "/summary.json")
        try output.write(JSONWriter.serialise(document) + "\n")
        try output.commit()
    }
}
