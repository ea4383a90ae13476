#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Logging
import Parsers
import Reports
import Rules
import Store

/// Processes one inbox file: fingerprint, scan, validate and apply in one transaction,
/// result file, archive. See SPEC.md §3 step 4.
final class FileProcessor {
    let root: DataRoot
    let store: Store
    let trs: TRSIndex
    let reference: ReferenceIndex
    let asOf: Day
    /// `nil` in a dry run, which belongs to no run.
    let runID: String?
    /// Where XML conversions go: the run's `tmp/`, emptied by the next run after a kill,
    /// so converted rows never outlive the data root; the system's temporary folder in a
    /// dry run, which holds no lock on `tmp/`.
    var scratch: String? { runID == nil ? nil : root.temporary }
    let logger: Logger
    private var usedResultPaths: Set<String> = []
    /// See `BatchRun.Options.killAfterRows`.
    var killAfterRows: Int?
    private var rowsValidated = 0
    private var temporaryFiles = 0
    /// Files in `<root>/tmp/` made ahead for the file in hand (see `prepareOutputs`).
    private var preparedTemporaries: [String] = []
    /// Where this processor's time went.
    var timings = StageTimings()

    init(root: DataRoot, store: Store, trs: TRSIndex, reference: ReferenceIndex, asOf: Day, runID: String?, logger: Logger) {
        self.root = root
        self.store = store
        self.trs = trs
        self.reference = reference
        self.asOf = asOf
        self.runID = runID
        self.logger = logger
    }

    /// A file refused as a whole.
    struct Refusal: Error {
        let problem: Problem
        /// Whether rows can be read (up to the problem) and echoed, each rejected.
        let rowsReadable: Bool
        var format: FileFormat?
        var header: [String]?
        var kind: SubmissionKind?
    }

    /// What the first pass learned.
    struct Scan {
        let format: FileFormat
        let header: [String]?
        let kind: SubmissionKind
        /// For each TRN on more than one row: all its row numbers.
        let duplicates: [Int: [Int]]
        /// The reader of the first pass, for pass 2 to reopen (an XML file is converted once).
        let reader: SubmissionReader
        /// The rows, when few enough to keep (see `keptRows`): pass 2 then reads them
        /// from here instead of parsing the file again.
        let rows: [SourceRow]?
    }

    /// The most rows, and cell bytes, a scan keeps for pass 2: a school's, a trust's or an
    /// appropriate body's usual file, a few MiB at most for each file looked at ahead.
    static let keptRows = 2_000
    static let keptBytes = 2 << 20

    /// Processes `file`; `look` is its first look when one was taken ahead (see
    /// `Lookahead`), else it is taken here.
    func process(_ file: InboxFile, look: FirstLook? = nil) throws(RunError) -> FileReport {
        let started = Inbox.nowNanoseconds()
        var report: FileReport
        if !reference.knows(file.submitter) {
            report = try quarantineUnknownSubmitter(file)
        } else {
            report = try processKnown(file, look ?? FirstLook.take(file, scratch: scratch))
        }
        report.milliseconds = Int((Inbox.nowNanoseconds() - started) / 1_000_000)
        return report
    }

    private func processKnown(_ file: InboxFile, _ look: FirstLook) throws(RunError) -> FileReport {
        timings.merge(look.timings)
        preparedTemporaries = look.temporaries
        defer { preparedTemporaries = [] }
        let sha256: String, scan: Result<Scan, Refusal>
        switch look.outcome {
        case .read(let fingerprint, let first): (sha256, scan) = (fingerprint, first)
        case .unreadable(let error):
            return try refuse(file, Refusal(problem: error.problem, rowsReadable: false), sha256: nil, existing: nil)
        }
        let looking = Inbox.nowNanoseconds()
        let existing = try storeRead { try $0.submission(from: file.submitter, sha256: sha256) }
        timings.add(.fingerprint, since: looking)
        if let existing, existing.status == .processed {
            return try reissue(file, existing)
        }
        do {
            return try apply(file, try scan.get(), sha256: sha256)
        } catch let refusal as Refusal {
            return try refuse(file, refusal, sha256: sha256, existing: existing)
        } catch let error as RunError {
            throw error
        } catch {
            throw .store(String(describing: error))
        }
    }

    // MARK: Pass 1: format, kind, duplicates

    /// `scratch`: where an XML file's conversion goes (see `SubmissionReader`).
    static func scan(_ file: InboxFile, keeping keptRows: Int = keptRows, scratch: String? = nil) throws(Refusal) -> Scan {
        let reader: SubmissionReader
        do {
            reader = try SubmissionReader(path: file.path, scratch: scratch)
        } catch {
            throw Refusal(problem: error.problem, rowsReadable: false, format: Self.formatFromName(file.name))
        }
        var firstRow: [Int: Int] = [:]
        var duplicates: [Int: [Int]] = [:]
        var fieldsSeen: Set<Field> = reader.headerFields
        var kept: [SourceRow]? = []
        var keptBytes = 0
        do {
            while let row = try reader.next() {
                if kept != nil {
                    keptBytes += row.cells.reduce(16) { $0 + $1.key.utf8.count + $1.value.approximateBytes }
                    if kept!.count < keptRows && keptBytes <= Self.keptBytes { kept!.append(row) } else { kept = nil }
                }
                if row.isBlank || row.problem != nil { continue }
                for cell in row.cells {
                    guard let field = cell.field else { continue }
                    if reader.format != .csv, cell.value.text?.trimmingSpaces().isEmpty == false { fieldsSeen.insert(field) }
                    guard field == .trn, let text = cell.value.text, let trn = TRN(normalising: text) else { continue }
                    if let first = firstRow[trn.value] {
                        duplicates[trn.value, default: [first]].append(row.number)
                    } else {
                        firstRow[trn.value] = row.number
                    }
                }
            }
        } catch {
            throw Refusal(problem: error.problem, rowsReadable: true, format: reader.format, header: reader.header)
        }
        let kind = try Self.kind(of: reader, fieldsSeen: fieldsSeen, submitter: file.submitter)
        return Scan(format: reader.format, header: reader.header, kind: kind, duplicates: duplicates, reader: reader, rows: kept)
    }

    private static func kind(of reader: SubmissionReader, fieldsSeen: Set<Field>, submitter: Submitter) throws(Refusal) -> SubmissionKind {
        var refusal = Refusal(problem: Problem(.fileUnknownKind, ""), rowsReadable: true, format: reader.format, header: reader.header)
        let kind: SubmissionKind
        if let declared = reader.declaredKind {
            guard let known = SubmissionKind(rawValue: declared.trimmingSpaces().lowercased()) else {
                refusal = Refusal(problem: Problem(.jsonKindUnknown, "The file's kind \"\(declared.prefix(40))\" is not one we know. Use one of: \(SubmissionKind.allCases.map(\.rawValue).joined(separator: ", "))."), rowsReadable: false, format: reader.format)
                throw refusal
            }
            kind = known
        } else if let detected = SubmissionKind.detect(from: fieldsSeen) {
            kind = detected
        } else {
            let closest = SubmissionKind.closest(to: fieldsSeen)
            let missing = closest.requiredFields.filter { !fieldsSeen.contains($0) }.map { "\"\($0.header)\"" }
            let unexpected = (reader.header ?? []).filter { name in
                guard !name.isEmpty else { return false }
                guard let field = Field(header: name) else { return true }
                return !closest.fields.contains(field)
            }.map { "\"\($0)\"" }
            var message = "The columns match no template. The closest is the \(closest.rawValue) template, which also needs \(missing.joined(separator: ", "))."
            if !unexpected.isEmpty { message += " Not in that template: \(unexpected.joined(separator: ", "))." }
            message += " Start from the template's header row."
            // Rows are not echoed: with no template, no cell can be told to be personal data.
            refusal = Refusal(problem: Problem(.fileUnknownKind, message), rowsReadable: false, format: reader.format)
            throw refusal
        }
        refusal.kind = kind
        guard submitter.kind.allowedKinds.contains(kind) else {
            let allowed = submitter.kind.allowedKinds.map(\.rawValue).joined(separator: ", ")
            throw Refusal(problem: Problem(.fileKindNotAllowed, "This is a \(kind.rawValue) file, which a\(submitter.kind == .appropriateBodies ? "n" : "") \(submitter.kind.noun) cannot send. A \(submitter.kind.noun) may send: \(allowed)."), rowsReadable: true, format: reader.format, header: reader.header, kind: kind)
        }
        return kind
    }

    // MARK: Pass 2: validate and apply, in one transaction

    private func apply(_ file: InboxFile, _ scan: Scan, sha256: String) throws -> FileReport {
        var report = FileReport(file: file, outcome: .processed)
        report.kind = scan.kind
        report.format = scan.format
        let resultPath = self.resultPath(for: file, format: scan.format)
        let creating = Inbox.nowNanoseconds()
        let resultWriter = try RowFileWriter(output: output(resultPath), format: scan.format, mode: .result,
                                             kind: scan.kind, header: scan.header)
        let archiveFile = try output(Self.unique(archivePath(for: file, format: scan.format)))
        let archiveWriter = try RowFileWriter(output: archiveFile, format: scan.format, mode: .archive, kind: scan.kind,
                                              header: scan.header)
        timings.add(.write, since: creating)
        var counts = ResultCounts()
        var committing: Int64 = 0
        do {
            try store.write { tx in
                let verbose = logger.logLevel <= .debug
                counts = try validateRows(file, scan, sha256: sha256, in: tx) { row, outcome in
                    let writing = Inbox.nowNanoseconds()
                    defer { timings.add(.write, since: writing) }
                    if verbose {
                        let codes = (outcome.errors + outcome.warnings).map(\.code.rawValue).joined(separator: " ")
                        logger.debug("\(file.submitter)/\(file.name.loggable) row \(row.number): \(outcome.status.rawValue) \(codes)")
                    }
                    try resultWriter.write(row, outcome)
                    try archiveWriter.write(row, nil)
                    rowsValidated += 1
                    if rowsValidated == killAfterRows { kill(getpid(), SIGKILL) }
                }
                committing = Inbox.nowNanoseconds()
            }
        } catch let error as ParseError {
            // The file changed between the two passes: nothing was applied.
            throw Refusal(problem: error.problem, rowsReadable: true, format: scan.format, header: scan.header)
        } catch let error as OutputError {
            throw RunError.output(error)
        } catch let error as RunError {
            throw error
        } catch {
            throw RunError.store(String(describing: error))
        }
        do {
            try resultWriter.finish(counts: counts)
            try archiveWriter.finish(counts: counts)
        } catch {
            throw RunError.output(error)
        }
        retire(file)
        timings.add(.commit, since: committing)
        report.accepted = counts.accepted
        report.rejected = counts.rejected
        report.codes = counts.byCode
        report.resultPath = resultPath
        return report
    }

    /// Pass 2 inside `tx`: records the submission, validates every row in file order,
    /// applies each accepted change (later rows see it), records the verdicts, and hands
    /// each row and its outcome to `each`.
    func validateRows(_ file: InboxFile, _ scan: Scan, sha256: String, in tx: StoreTransaction,
                      each: (SourceRow, RowOutcome) throws -> Void) throws -> ResultCounts {
        let started = Inbox.nowNanoseconds()
        try tx.forgetRefusal(from: file.submitter, sha256: sha256)
        let submissionID = try tx.insertSubmission(.init(
            submitter: file.submitter, fileName: file.name, sha256: sha256, kind: scan.kind, format: scan.format,
            runID: runID, asOf: asOf, processedAt: Timestamp.now()))
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
        var reading = Inbox.nowNanoseconds()
        while let row = try nextRow() {
            timings.add(.read, since: reading)
            defer { reading = Inbox.nowNanoseconds() }
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
        try tx.finishSubmission(submissionID, accepted: counts.accepted, rejected: counts.rejected,
                                durationMilliseconds: Int((Inbox.nowNanoseconds() - started) / 1_000_000))
        return counts
    }

    // MARK: Re-issue

    /// The same bytes were processed before: write the result again from the stored
    /// verdicts, archive the input, apply nothing.
    private func reissue(_ file: InboxFile, _ submission: SubmissionRecord) throws(RunError) -> FileReport {
        var report = FileReport(file: file, outcome: .reissued)
        report.kind = submission.kind
        report.format = submission.format
        do {
            let format = try SubmissionReader(path: file.path, scratch: scratch)
            let resultPath = self.resultPath(for: file, format: format.format)
            let resultWriter = try RowFileWriter(output: output(resultPath), format: format.format,
                                                 mode: .result, kind: submission.kind, header: format.header)
            let archiveWriter = try RowFileWriter(output: output(Self.unique(archivePath(for: file, format: format.format))),
                                                  format: format.format, mode: .archive, kind: submission.kind,
                                                  header: format.header)
            let counts = try storedOutcomes(file, submission) { row, outcome in
                try resultWriter.write(row, outcome)
                try archiveWriter.write(row, nil)
            }
            try resultWriter.finish(counts: counts)
            try archiveWriter.finish(counts: counts)
            retire(file)
            report.accepted = counts.accepted
            report.rejected = counts.rejected
            report.codes = counts.byCode
            report.resultPath = resultPath
        } catch let error as OutputError {
            throw .output(error)
        } catch let error as RunError {
            throw error
        } catch {
            // The stored submission said this file was readable; if it is not now, the
            // bytes differ from the fingerprint, which cannot happen without tampering.
            throw .store("re-issuing \(file.path): \(error)")
        }
        return report
    }

    /// Each row of an already processed file with the verdict stored for it.
    func storedOutcomes(_ file: InboxFile, _ submission: SubmissionRecord,
                        each: (SourceRow, RowOutcome) throws -> Void) throws -> ResultCounts {
        var verdicts: [Int: StoredVerdict] = [:]
        try storeRead { tx in try tx.forEachVerdict(of: submission.id) { verdicts[$0.row] = $0 } }
        let reader = try SubmissionReader(path: file.path, scratch: scratch)
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

    // MARK: Refusal and quarantine

    private func refuse(_ file: InboxFile, _ refusal: Refusal, sha256: String?, existing: SubmissionRecord?) throws(RunError) -> FileReport {
        var report = FileReport(file: file, outcome: .refused(refusal.problem))
        report.kind = refusal.kind
        report.format = refusal.format
        let format = refusal.format ?? .csv
        let resultPath = self.resultPath(for: file, format: format)
        do {
            // The readable rows, each rejected with the file's problem; when there are
            // none, one `refused` line instead.
            var counts = ResultCounts()
            if refusal.rowsReadable, let reader = try? SubmissionReader(path: file.path, scratch: scratch) {
                let output = try output(resultPath)
                let writer = try RowFileWriter(output: output, format: reader.format, mode: .result,
                                               kind: refusal.kind, header: reader.header)
                let outcome = RowOutcome(status: .rejected, errors: [refusal.problem])
                while let row = try? reader.next() {
                    if row.isBlank { continue }
                    counts.add(outcome)
                    try writer.write(row, outcome)
                }
                if counts.rejected > 0 { try writer.finish(counts: counts) } else { output.discard() }
            }
            if counts.rejected == 0 {
                try RowFileWriter.writeRefusal(refusal.problem, format: format, to: output(resultPath))
            }
            report.rejected = counts.rejected
            report.codes = counts.rejected > 0 ? [refusal.problem.code: counts.rejected] : [refusal.problem.code: 1]
            report.resultPath = resultPath
            if let sha256, existing == nil {
                try store.write { tx in
                    _ = try tx.insertSubmission(.init(
                        submitter: file.submitter, fileName: file.name, sha256: sha256, kind: refusal.kind,
                        format: refusal.format, refusal: refusal.problem, runID: runID, asOf: asOf,
                        processedAt: Timestamp.now()))
                }
            }
            try quarantine(file)
        } catch let error as OutputError {
            throw .output(error)
        } catch let error as RunError {
            throw error
        } catch {
            throw .store(String(describing: error))
        }
        return report
    }

    private func quarantineUnknownSubmitter(_ file: InboxFile) throws(RunError) -> FileReport {
        let problem = Problem(.submitterUnknown, "The \(file.submitter.kind.noun) \"\(file.submitter.id)\" is not in the reference data, so its files cannot be processed. Load the reference data, or check the inbox folder name.")
        do {
            let target = try quarantine(file)
            let reason = try output(target + ".reason.txt")
            try reason.write(problem.description + "\n")
            try reason.commit()
        } catch {
            throw .output(error)
        }
        return FileReport(file: file, outcome: .quarantined(problem))
    }

    @discardableResult
    private func quarantine(_ file: InboxFile) throws(OutputError) -> String {
        let folder = root.folder(root.quarantine, for: file.submitter)
        try Directories.create(folder)
        let target = Self.unique(folder + "/" + file.name)
        // A file that vanished since discovery has nothing left to move.
        guard rename(file.path, target) == 0 || errno == ENOENT else { throw OutputError(path: target, errno: errno) }
        return target
    }

    // MARK: Paths

    /// A file written under `<root>/tmp/` and renamed to `path` when complete, so that no
    /// half-written file is ever visible in the outbox, archive or quarantine.
    func output(_ path: String) throws(OutputError) -> AtomicFile {
        if !preparedTemporaries.isEmpty {
            return try AtomicFile(path: path, temporaryPath: preparedTemporaries.removeFirst())
        }
        try Directories.create(root.temporary)
        temporaryFiles += 1
        return try AtomicFile(path: path, temporaryPath: "\(root.temporary)/\(getpid())-\(temporaryFiles).tmp")
    }

    /// Creates, for the file `number` of the run, the folders its result and archive go
    /// to and two empty files in `<root>/tmp/` for `output` to write them in; returns
    /// their paths. Run on the lookahead's thread, so that creating files and folders
    /// (a fraction of a millisecond each on ext4) overlaps the work on the file before.
    /// The archive folder is made only for a file that will be archived (`archived`): a
    /// refused file goes to quarantine.
    static func prepareOutputs(for file: InboxFile, number: Int, root: DataRoot, asOf: Day, archived: Bool) -> [String] {
        // One of sixteen folders in tmp/, by file number: creating a file locks its folder
        // for as long as the creation takes, and the run's thread is meanwhile renaming
        // the outputs of a file eight places back out of another folder.
        let bucket = "\(root.temporary)/ahead-\(number % 16)"
        var folders = [bucket, root.folder(root.outbox, for: file.submitter)]
        if archived { folders.append(root.folder(root.archive(asOf: asOf), for: file.submitter)) }
        for folder in folders {
            guard (try? Directories.create(folder)) != nil else { return [] }
        }
        var paths: [String] = []
        for part in ["result", "archive"] {
            let path = "\(bucket)/\(getpid())-\(number)-\(part).tmp"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard descriptor >= 0 else { break }
            close(descriptor)
            paths.append(path)
        }
        return paths
    }

    /// Takes a processed file out of the inbox: renamed into `<root>/tmp/` (see
    /// `RetiredInputs`), which the run empties once the store is synced.
    ///
    /// Not deleted on the spot, also for speed: on a file system without a journal, ext4
    /// will not reuse an inode freed in the last 30 seconds and checks every such inode
    /// when it creates a file, so deleting each input between creating results made every
    /// creation slower (measured: 0.4 ms a file on the realistic inbox).
    private func retire(_ file: InboxFile) {
        temporaryFiles += 1
        guard let name = RetiredInputs.name(for: file, number: temporaryFiles),
              rename(file.path, root.temporary + "/" + name) == 0 else {
            unlink(file.path)
            return
        }
    }

    /// `outbox/<kind>/<id>/<stem>.results.<ext>`, with `-2`, `-3`… for a second file of
    /// the same run with the same stem and format.
    func resultPath(for file: InboxFile, format: FileFormat) -> String {
        let folder = root.folder(root.outbox, for: file.submitter)
        let stem = Self.resultStem(of: file.name)
        let ext = format.resultFormat.rawValue
        var candidate = "\(folder)/\(stem).results.\(ext)"
        var counter = 2
        while usedResultPaths.contains(candidate) {
            candidate = "\(folder)/\(stem)-\(counter).results.\(ext)"
            counter += 1
        }
        usedResultPaths.insert(candidate)
        return candidate
    }

    /// The part of an input's name its result files start with: the name without its extension.
    static func resultStem(of fileName: String) -> String {
        fileName.lastIndex(of: ".").map { String(fileName[..<$0]) } ?? fileName
    }

    /// `archive/<as-of>/<kind>/<id>/<name>`; an XML input is archived as CSV, so `.csv` is added.
    func archivePath(for file: InboxFile, format: FileFormat) -> String {
        let name = format == .xml ? file.name + ".csv" : file.name
        return root.folder(root.archive(asOf: asOf), for: file.submitter) + "/" + name
    }

    /// `path`, or `name-2.ext`, `name-3.ext`… when something is already there.
    static func unique(_ path: String) -> String {
        guard access(path, F_OK) == 0 else { return path }
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        let dot = name.lastIndex(of: ".") ?? name.endIndex
        let stem = path[..<dot], ext = path[dot...]
        var counter = 2
        while access("\(stem)-\(counter)\(ext)", F_OK) == 0 { counter += 1 }
        return "\(stem)-\(counter)\(ext)"
    }

    static func formatFromName(_ name: String) -> FileFormat {
        switch name.split(separator: ".").last?.lowercased() {
        case "json": .json
        case "jsonl", "ndjson": .ndjson
        default: .csv
        }
    }

    private func storeRead<T>(_ body: (StoreTransaction) throws -> T) throws(RunError) -> T {
        do { return try store.read(body) } catch { throw .store(String(describing: error)) }
    }
}
