import Domain
import Parsers
import Reports
import Store

/// Re-issue: the same bytes from the same submitter were processed before.
extension FileProcessor {
    /// Writes the result again from the stored verdicts; applies nothing. The input is
    /// archived only if its archive copy is not where the store says (a power cut lost
    /// it, or it was processed before archives were bundled): an identical file sent
    /// again is archived once.
    func reissue(_ file: InboxFile, _ submission: SubmissionRecord, resultPath: String) throws(RunError) -> FileReport {
        guard let archive else { preconditionFailure("a dry run re-issues nothing") }
        var report = FileReport(file: file, outcome: .reissued)
        report.kind = submission.kind
        report.format = submission.format
        var entry: TarBundle.Entry?
        do {
            let reader = try SubmissionReader(path: file.path, scratch: scratch)
            let resultFile = try output(resultPath, ahead: \.result)
            let result = try RowFileWriter(output: resultFile, format: reader.format, mode: .result,
                                           kind: submission.kind, header: reader.header)
            var copy: RowFileWriter?
            if !(submission.archive.map { RunArchive.holds($0, root: root) } ?? false) {
                entry = try archive.entry(for: file, format: reader.format)
                copy = try RowFileWriter(output: entry!, format: reader.format, mode: .archive, kind: submission.kind,
                                         header: reader.header)
            }
            let counts = try storedOutcomes(file, submission, reader: reader) { row, outcome in
                try result.write(row, outcome)
                try copy?.write(row, nil)
            }
            try result.end(counts: counts)
            if let copy, let written = entry {
                try copy.end(counts: counts)
                try written.commit()
                let location = archive.location(of: written)
                do {
                    try store.write { try $0.recordArchive(location, of: submission.id) }
                } catch {
                    throw RunError.store(String(describing: error))
                }
                entry = nil
                archived()
            }
            try resultFile.commit()
            committed(file)
            report.accepted = counts.accepted
            report.rejected = counts.rejected
            report.codes = counts.byCode
            report.resultPath = resultPath
        } catch ReadError.content(let problem) {
            entry?.discard()
            // These bytes were read when they were processed; a reader that refuses them
            // now (another version) still must not crash the run or lose the file.
            throw .store("the processed file \(file.name.loggable) cannot be read again to re-issue its result (\(problem.code))")
        } catch {
            entry?.discard()
            throw Self.failure(error)
        }
        return report
    }

    /// Each row of an already processed file with the verdict stored for it, read by
    /// `reader` (a new reader of `file` when `nil`).
    func storedOutcomes(_ file: InboxFile, _ submission: SubmissionRecord, reader: SubmissionReader? = nil,
                        each: (SourceRow, RowOutcome) throws -> Void) throws -> ResultCounts {
        var verdicts: [Int: StoredVerdict] = [:]
        try storeRead { tx in try tx.forEachVerdict(of: submission.id) { verdicts[$0.row] = $0 } }
        let reader = try reader ?? SubmissionReader(path: file.path, scratch: scratch)
        var counts = ResultCounts()
        while let row = try reader.next() {
            guard let stored = verdicts[row.number] else { continue }
            let outcome = RowOutcome(status: stored.status, errors: stored.errors, warnings: stored.warnings,
                                     extensionID: stored.extensionID)
            counts.add(outcome)
            try each(row, outcome)
        }
        return counts
    }
}
