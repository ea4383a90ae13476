#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSupport
import Domain
import Parsers
import Reports
import Store

/// Files refused as a whole, and files from unknown submitters: quarantine.
extension FileProcessor {
    /// Writes the refusal's result, records the refusal, and moves the input to
    /// quarantine. The result is written in full before the store records anything.
    func refuse(_ file: InboxFile, _ refusal: Refusal, sha256: String?, existing: SubmissionRecord?,
                resultPath: String) throws(RunError) -> FileReport {
        var report = FileReport(file: file, outcome: .refused(refusal.problem))
        report.kind = refusal.kind
        report.format = refusal.format
        let format = refusal.format ?? .csv
        var counts = ResultCounts()
        let result: AtomicFile
        do {
            result = try output(resultPath, ahead: \.result)
            // The readable rows, each rejected with the file's problem; when there are
            // none, one `refused` line instead.
            if refusal.rowsReadable {
                counts = try writeRejectedRows(of: file, refusal, to: result)
            }
            if counts.rejected == 0 {
                try RowFileWriter.writeRefusal(refusal.problem, format: format, to: result)
            }
        } catch {
            throw Self.failure(error)
        }
        report.rejected = counts.rejected
        report.codes = counts.rejected > 0 ? [refusal.problem.code: counts.rejected] : [refusal.problem.code: 1]
        report.resultPath = resultPath
        if let sha256, existing == nil {
            let resultName = String(resultPath[resultPath.index(after: resultPath.lastIndex(of: "/")!)...])
            do {
                try store.write { tx in
                    _ = try tx.insertSubmission(.init(
                        submitter: file.submitter, fileName: file.name, sha256: sha256, kind: refusal.kind,
                        format: refusal.format, refusal: refusal.problem, runID: runID, asOf: asOf,
                        processedAt: Timestamp.now(), resultName: resultName))
                }
            } catch {
                throw Self.failure(error)
            }
        }
        do {
            try result.commit()
            try quarantine(file)
        } catch {
            throw .system(error)
        }
        return report
    }

    /// The rows of a refused file that can be read, each rejected with its problem, in
    /// a result started on `output`; stops quietly where the file stops being readable.
    private func writeRejectedRows(of file: InboxFile, _ refusal: Refusal, to output: AtomicFile) throws -> ResultCounts {
        var counts = ResultCounts()
        let reader: SubmissionReader
        do {
            reader = try SubmissionReader(path: file.path, scratch: scratch)
        } catch ReadError.content {
            return counts
        }
        let writer = try RowFileWriter(output: output, format: reader.format, mode: .result, kind: refusal.kind,
                                       header: reader.header)
        let outcome = RowOutcome(status: .rejected, errors: [refusal.problem])
        while true {
            let row: SourceRow?
            do {
                row = try reader.next()
            } catch ReadError.content {
                break
            }
            guard let row else { break }
            if row.isBlank { continue }
            counts.add(outcome)
            try writer.write(row, outcome)
        }
        if counts.rejected > 0 {
            try writer.end(counts: counts)
        } else {
            // Start again: the refusal line alone.
            try output.restart()
        }
        return counts
    }

    /// A file whose submitter is not in the reference data: no result can be addressed,
    /// so it goes to quarantine with a `.reason.txt` beside it. The reason is written
    /// first, so that a failure leaves the input where it was.
    func quarantineUnknownSubmitter(_ file: InboxFile) throws(RunError) -> FileReport {
        let problem = Problem(.submitterUnknown, "The \(file.submitter.kind.noun) \"\(file.submitter.id)\" is not in the reference data, so its files cannot be processed. Load the reference data, or check the inbox folder name.")
        do {
            let folder = root.folder(root.quarantine, for: file.submitter)
            try Directories.create(folder)
            let target = Self.unique(folder + "/" + file.name)
            let reasonName = FileNames.fitting(String(target[target.index(after: target.lastIndex(of: "/")!)...]), ".reason.txt")
            let reason = try output(folder + "/" + reasonName)
            try reason.write(problem.description + "\n")
            try reason.flush()
            try move(file.path, to: target)
            try reason.commit()
        } catch {
            throw .system(error)
        }
        return FileReport(file: file, outcome: .quarantined(problem))
    }

    /// Moves a refused input from where it is to `quarantine/<kind>/<id>/`.
    private func quarantine(_ file: InboxFile) throws(SystemError) {
        let folder = root.folder(root.quarantine, for: file.submitter)
        try Directories.create(folder)
        try move(file.path, to: Self.unique(folder + "/" + file.name))
    }

    /// Renames `path` to `target` in quarantine, never over another file, and dates it
    /// now: quarantine's retention (the cron wrapper's) counts from when it got there.
    private func move(_ path: String, to target: String) throws(SystemError) {
        guard ect_rename_no_replace(path, target) == 0 else { throw .last(.rename, path) }
        utimensat(AT_FDCWD, target, nil, 0)
    }
}
