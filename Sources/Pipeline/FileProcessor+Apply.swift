#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Parsers
import Reports
import Rules
import Store
import TRS

/// Pass 2: validate and apply, in one transaction.
extension FileProcessor {
    /// Validates and applies every row of `file` in one transaction. The result is
    /// written in full before the commit and renamed into place after it; the archive
    /// copy is an entry of the run's bundle, whole before the commit, and taken back when
    /// the transaction does not commit: a result in the outbox means the archive copy is
    /// there too.
    /// (`refusedBefore`: whether the store holds a refusal of these bytes, to forget.)
    func apply(_ file: InboxFile, _ scan: Scan, sha256: String, resultPath: String, refusedBefore: Bool) throws(RunError) -> FileReport {
        guard let archive else { preconditionFailure("a dry run applies nothing") }
        var report = FileReport(file: file, outcome: .processed)
        report.kind = scan.kind
        report.format = scan.format
        let creating = Inbox.nowNanoseconds()
        let resultFile: AtomicFile, result: RowFileWriter
        let entry: TarBundle.Entry, copy: RowFileWriter
        do throws(SystemError) {
            resultFile = try output(resultPath, ahead: \.result)
            result = try RowFileWriter(output: resultFile, format: scan.format, mode: .result, kind: scan.kind,
                                       header: scan.header)
            entry = try archive.entry(for: file, format: scan.format)
        } catch {
            throw .system(error)
        }
        do {
            copy = try RowFileWriter(output: entry, format: scan.format, mode: .archive, kind: scan.kind, header: scan.header)
        } catch {
            entry.discard()
            throw .system(error)
        }
        timings.add(.write, since: creating)
        var counts = ResultCounts()
        var committing: Int64 = 0
        let resultName = String(resultPath[resultPath.index(after: resultPath.lastIndex(of: "/")!)...])
        do {
            try store.write { tx in
                let verbose = logger.logLevel <= .debug
                counts = try validateRows(file, scan, sha256: sha256, resultName: resultName, refusedBefore: refusedBefore,
                                          in: tx) { row, outcome in
                    let writing = Inbox.nowNanoseconds()
                    defer { timings.add(.write, since: writing) }
                    if verbose {
                        let codes = (outcome.errors + outcome.warnings).map(\.code.rawValue).joined(separator: " ")
                        logger.debug("\(file.submitter)/\(file.name.loggable) row \(row.number): \(outcome.status.rawValue) \(codes)")
                    }
                    try result.write(row, outcome)
                    try copy.write(row, nil)
                    rowsValidated += 1
                    if rowsValidated == killAfterRows { kill(getpid(), SIGKILL) }
                    if rowsValidated == pauseAfterRows { kill(getpid(), SIGSTOP) }
                } ending: { counts in
                    // Every byte is written before the commit: a full disk fails the file,
                    // not its result after the fact.
                    try result.end(counts: counts)
                    try copy.end(counts: counts)
                    try entry.commit()
                    return archive.location(of: entry)
                }
                committing = Inbox.nowNanoseconds()
            }
        } catch ReadError.content(let problem) {
            // Someone rewrote the claimed file between the passes: nothing was applied.
            resultFile.discard()
            entry.discard()
            let refusal = Refusal(problem: problem.problem, rowsReadable: true, format: scan.format, header: scan.header)
            return try refuse(file, refusal, sha256: sha256, existing: nil, resultPath: resultPath)
        } catch {
            resultFile.discard()
            entry.discard()
            throw Self.failure(error)
        }
        archived()
        // After the commit, a failure leaves a committed file without its result; the
        // caller puts the input back and the next run re-issues it from the store.
        do {
            try resultFile.commit()
        } catch {
            throw .system(error)
        }
        committed(file)
        timings.add(.commit, since: committing)
        report.accepted = counts.accepted
        report.rejected = counts.rejected
        report.codes = counts.byCode
        report.resultPath = resultPath
        return report
    }

    /// The operational failure behind an error thrown out of a transaction: a system
    /// call's, or else the store's.
    static func failure(_ error: any Error) -> RunError {
        switch error {
        case let error as SystemError: .system(error)
        case let error as ReadError:
            switch error {
            case .system(let error): .system(error)
            // Callers turn content problems into refusals first; one that gets here is a
            // file read differently the second time, which only tampering explains.
            case .content(let problem): .store("a claimed file read differently the second time (\(problem.code))")
            }
        case let error as RunError: error
        case let error as TRSError: .trs(error)
        default: .store(String(describing: error))
        }
    }

    /// Pass 2 inside `tx`: records the submission, validates every row in file order,
    /// applies each accepted change, records the verdicts, and hands each row and its
    /// outcome to `each`; `ending` finishes the file's outputs before the submission is
    /// recorded, and says where its archive copy is.
    ///
    /// Set-based: rows go a chunk at a time (`Tuning.chunkRows`); the state of a chunk's
    /// teachers and the e-mails it names is read in a few queries, its rows are validated
    /// against that state in memory (later rows see earlier rows' registrations), and the
    /// rows it adds are written in multi-row statements — still one transaction per file.
    func validateRows(_ file: InboxFile, _ scan: Scan, sha256: String, resultName: String?, refusedBefore: Bool = true,
                      in shared: StoreTransaction,
                      each: (SourceRow, RowOutcome) throws -> Void,
                      ending: (ResultCounts) throws -> ArchiveLocation? = { _ in nil }) throws -> ResultCounts {
        let started = Inbox.nowNanoseconds()
        let tx = shared.batched()
        if refusedBefore { try tx.forgetRefusal(from: file.submitter, sha256: sha256) }
        let submissionID = try tx.insertSubmission(.init(
            submitter: file.submitter, fileName: file.name, sha256: sha256, kind: scan.kind, format: scan.format,
            runID: runID, asOf: asOf, processedAt: Timestamp.now(), resultName: resultName))
        let validator = RowValidator(kind: scan.kind, context: RuleContext(
            today: asOf, submitter: file.submitter, trs: trs, state: tx, reference: reference))
        // The rows pass 1 kept, or the file read again.
        var keptRows = scan.rows?.makeIterator()
        let reader = keptRows == nil ? try scan.reader.reopened() : nil
        func nextRow() throws -> SourceRow? {
            if let reader { return try reader.next() }
            return keptRows?.next()
        }
        var counts = ResultCounts()
        func process(_ chunk: [SourceRow]) throws {
            // The chunk's keys, for a working set; a statement a row (SQLite) needs none.
            if tx.isBatched {
                let loading = Inbox.nowNanoseconds()
                var trns: [TRN] = [], emails: [String] = []
                for row in chunk where !row.isBlank && row.problem == nil {
                    let input = row.input
                    if let trn = input[.trn].flatMap({ TRN(normalising: $0) }) { trns.append(trn) }
                    if let email = input[.email] { emails.append(email.trimmingSpaces().lowercased()) }
                }
                try tx.load(trns: trns, emails: emails)
                timings.add(.validate, since: loading)
            }
            for row in chunk {
                if row.isBlank { continue }
                var verdict: Verdict
                var trn: TRN?
                if let problem = row.problem {
                    verdict = .rejected(problem)
                } else {
                    let validating = Inbox.nowNanoseconds()
                    let input = row.input
                    trn = input[.trn].flatMap { TRN(normalising: $0) }
                    let others = trn.flatMap { scan.duplicates[$0.value] }?.filter { $0 != row.number } ?? []
                    verdict = try validator.validate(input, duplicateRows: Array(others.prefix(10)))
                    timings.add(.validate, since: validating)
                }
                let applying = Inbox.nowNanoseconds()
                var extensionID: Int64?
                if verdict.status == .accepted, let change = verdict.change {
                    extensionID = try tx.apply(change, from: .init(submissionID: submissionID, row: row.number, asOf: asOf))
                }
                try tx.recordVerdict(submissionID: submissionID, row: row.number, trn: trn, verdict: verdict, extensionID: extensionID)
                timings.add(.apply, since: applying)
                let outcome = RowOutcome(status: verdict.status, errors: verdict.errors, warnings: verdict.warnings,
                                         extensionID: extensionID)
                counts.add(outcome)
                try each(row, outcome)
            }
            let flushing = Inbox.nowNanoseconds()
            try tx.flush()
            timings.add(.apply, since: flushing)
        }
        var chunk: [SourceRow] = []
        chunk.reserveCapacity(Tuning.chunkRows)
        var reading = Inbox.nowNanoseconds()
        while let row = try nextRow() {
            chunk.append(row)
            guard chunk.count == Tuning.chunkRows else { continue }
            timings.add(.read, since: reading)
            try process(chunk)
            chunk.removeAll(keepingCapacity: true)
            reading = Inbox.nowNanoseconds()
        }
        timings.add(.read, since: reading)
        if !chunk.isEmpty { try process(chunk) }
        let archived = try ending(counts)
        try tx.finishSubmission(submissionID, accepted: counts.accepted, rejected: counts.rejected,
                                durationMilliseconds: Int((Inbox.nowNanoseconds() - started) / 1_000_000),
                                archive: archived)
        return counts
    }
}
