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
///
/// Concerns live in their own files: the first pass (`+Scan`), the transaction (`+Apply`),
/// re-issue (`+Reissue`), refusal and quarantine (`+Refusal`). Every failure of ours is
/// thrown as a `RunError`, never written into a result: the caller puts the file back.
final class FileProcessor {
    let root: DataRoot
    let store: Store
    let trs: any TeacherRecordSource
    let reference: ReferenceIndex
    let asOf: Day
    /// `nil` in a dry run, which belongs to no run.
    let runID: String?
    /// Where XML conversions go: the run's `tmp/`, emptied by the next run after a kill,
    /// so converted rows never outlive the data root; the system's temporary folder in a
    /// dry run, which holds no lock on `tmp/`.
    var scratch: String? { runID == nil ? nil : root.temporary }
    let logger: Logger
    /// Where processed inputs are archived; `nil` in a dry run, which archives nothing.
    var archive: RunArchive?
    var usedResultPaths: Set<String> = []
    /// See `BatchRun.Options.killAfterRows`.
    var killAfterRows: Int?
    /// See `BatchRun.Options.pauseAfterRows`.
    var pauseAfterRows: Int?
    var rowsValidated = 0
    /// See `BatchRun.Options.killAfterArchives`.
    var killAfterArchives: Int?
    private var archivesCommitted = 0
    private var temporaryFiles = 0
    /// Files in `<root>/tmp/` made ahead for the file in hand (see `prepareOutputs`).
    var prepared = PreparedOutputs()
    /// Claimed inputs whose file has committed, to delete at the run's synced end.
    private(set) var committedInputs: [String] = []
    /// Where this processor's time went.
    var timings = StageTimings()

    init(root: DataRoot, store: Store, trs: any TeacherRecordSource, reference: ReferenceIndex, asOf: Day, runID: String?, logger: Logger) {
        self.root = root
        self.store = store
        self.trs = trs
        self.reference = reference
        self.asOf = asOf
        self.runID = runID
        self.logger = logger
    }

    /// Processes the file `look` was taken of (see `FirstLook`), or, with no look, an
    /// unknown submitter's `file`, which is quarantined.
    func process(_ file: InboxFile, look: FirstLook?) throws(RunError) -> FileReport {
        let started = Inbox.nowNanoseconds()
        var report: FileReport
        if let look {
            report = try processKnown(look)
        } else {
            report = try quarantineUnknownSubmitter(file)
        }
        report.milliseconds = Int((Inbox.nowNanoseconds() - started) / 1_000_000)
        return report
    }

    private func processKnown(_ look: FirstLook) throws(RunError) -> FileReport {
        timings.merge(look.timings)
        prepared = look.prepared
        defer { prepared = PreparedOutputs() }
        let file = look.file
        let sha256: String?, scan: Result<Scan, Refusal>
        switch look.outcome {
        case .vanished:
            preconditionFailure("a vanished file is not processed")
        case .fault(let error):
            throw .system(error)
        case .read(let fingerprint, let first):
            (sha256, scan) = (fingerprint, first)
        }
        let looking = Inbox.nowNanoseconds()
        let format = (try? scan.get().format) ?? (scan.failure?.format ?? .csv)
        let (existing, resultPath) = try storeRead { tx in
            let existing = try sha256.flatMap { try tx.submission(from: file.submitter, sha256: $0) }
            // The name recorded for these bytes under this name (a rerun after a kill).
            let recorded = existing?.fileName == file.name ? existing?.resultName : nil
            return (existing, try self.resultPath(for: file, format: existing?.format ?? format, sha256: sha256,
                                                  recorded: recorded, in: tx))
        }
        timings.add(.fingerprint, since: looking)
        if let existing, existing.status == .processed {
            return try reissue(file, existing, resultPath: resultPath)
        }
        switch scan {
        case .success(let scan):
            return try apply(file, scan, sha256: sha256!, resultPath: resultPath, refusedBefore: existing?.status == .refused)
        case .failure(let refusal):
            return try refuse(file, refusal, sha256: sha256, existing: existing, resultPath: resultPath)
        }
    }

    /// Notes that `file`'s work is committed: its claimed input is deleted at the run's end.
    func committed(_ file: InboxFile) {
        if file.isClaimed { committedInputs.append(file.path) }
    }

    // MARK: Outputs

    /// A file written under `<root>/tmp/` and renamed to `path` when complete, so that no
    /// half-written file is ever visible in the outbox, archive or quarantine. `ahead`
    /// names the file made ahead for it, if any.
    func output(_ path: String, ahead: WritableKeyPath<PreparedOutputs, String?>? = nil) throws(SystemError) -> AtomicFile {
        if let ahead, let temporary = prepared[keyPath: ahead] {
            prepared[keyPath: ahead] = nil
            return try AtomicFile(path: path, temporaryPath: temporary)
        }
        try Directories.create(root.temporary)
        temporaryFiles += 1
        return try AtomicFile(path: path, temporaryPath: "\(root.temporary)/\(getpid())-\(temporaryFiles).tmp")
    }

    /// Notes that an archive copy is committed; see `BatchRun.Options.killAfterArchives`.
    func archived() {
        archivesCommitted += 1
        if archivesCommitted == killAfterArchives { kill(getpid(), SIGKILL) }
    }

    /// Creates, for the file `number` of the run, the folder its result goes to and an
    /// empty file in `<root>/tmp/` for `output` to write it in. Run on the lookahead's
    /// thread, so that creating files and folders (a fraction of a millisecond each on
    /// ext4) overlaps the work on the file before. Whatever cannot be made here is made,
    /// or fails, on the run's thread. (The archive copy goes into the run's bundle.)
    static func prepareOutputs(for file: InboxFile, number: Int, root: DataRoot) -> PreparedOutputs {
        // One of several folders in tmp/, by file number (see `Tuning.aheadFolders`).
        let bucket = "\(root.temporary)/ahead-\(number % Tuning.aheadFolders)"
        for folder in [bucket, root.folder(root.outbox, for: file.submitter)] {
            guard (try? Directories.create(folder)) != nil else { return PreparedOutputs() }
        }
        func make(_ part: String) -> String? {
            let path = "\(bucket)/\(getpid())-\(number)-\(part).tmp"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard descriptor >= 0 else { return nil }
            close(descriptor)
            return path
        }
        return PreparedOutputs(result: make("result"))
    }

    // MARK: Names

    /// `outbox/<kind>/<id>/<stem>.results.<ext>`: the name recorded for this file when it
    /// was processed before, else the first of `<stem>.results.<ext>`, `<stem>-2.results.<ext>`…
    /// that no other file of the submitter took on the same day (in this run, or in a run
    /// a kill stopped), shortened to fit the file system (see `FileNames`).
    func resultPath(for file: InboxFile, format: FileFormat, sha256: String?, recorded: String?,
                    in tx: StoreTransaction?) throws -> String {
        let folder = root.folder(root.outbox, for: file.submitter)
        if let recorded {
            usedResultPaths.insert(folder + "/" + recorded)
            return folder + "/" + recorded
        }
        let stem = Self.resultStem(of: file.name)
        let suffix = ".results.\(format.resultFormat.rawValue)"
        var name = FileNames.fitting(stem, suffix)
        var counter = 2
        func taken(_ name: String) throws -> Bool {
            if usedResultPaths.contains(folder + "/" + name) { return true }
            guard let tx, let sha256 else { return false }
            return try tx.isResultNameTaken(name, by: file.submitter, asOf: asOf, otherThan: sha256)
        }
        while try taken(name) {
            name = FileNames.fitting("\(stem)-\(counter)", suffix)
            counter += 1
        }
        usedResultPaths.insert(folder + "/" + name)
        return folder + "/" + name
    }

    /// The part of an input's name its result files start with: the name without its extension.
    static func resultStem(of fileName: String) -> String {
        fileName.lastIndex(of: ".").map { String(fileName[..<$0]) } ?? fileName
    }

    /// `path`, or `name-2.ext`, `name-3.ext`… when something is already there.
    static func unique(_ path: String) -> String {
        var candidate = path
        var counter = 2
        while access(candidate, F_OK) == 0 {
            candidate = ClaimedInputs.numbered(path, counter)
            counter += 1
        }
        return candidate
    }

    static func formatFromName(_ name: String) -> FileFormat {
        switch name.split(separator: ".").last?.lowercased() {
        case "json": .json
        case "jsonl", "ndjson": .ndjson
        case "xlsx": .xlsx
        default: .csv
        }
    }

    /// Runs `body` in a read of the store; any failure is the store's.
    func storeRead<T>(_ body: (StoreTransaction) throws -> T) throws(RunError) -> T {
        do { return try store.read(body) } catch { throw .store(String(describing: error)) }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}

/// Comparing files byte for byte.
enum Files {
    /// Whether the files at `a` and `b` hold the same bytes.
    static func identical(_ a: String, _ b: String) throws(SystemError) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0 else { throw .last(.stat, a) }
        guard stat(b, &second) == 0 else { throw .last(.stat, b) }
        guard first.st_size == second.st_size else { return false }
        let left = open(a, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard left >= 0 else { throw .last(.open, a) }
        defer { close(left) }
        let right = open(b, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard right >= 0 else { throw .last(.open, b) }
        defer { close(right) }
        var one = [UInt8](repeating: 0, count: 1 << 16), two = one
        while true {
            let count = try fill(&one, from: left, a)
            guard try fill(&two, from: right, b) == count, one[..<count] == two[..<count] else { return false }
            if count < one.count { return true }
        }
    }

    /// Reads until `buffer` is full or the file ends; the bytes read.
    private static func fill(_ buffer: inout [UInt8], from descriptor: Int32, _ path: String) throws(SystemError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + total, raw.count - total) }
            guard count >= 0 else { throw .last(.read, path) }
            if count == 0 { break }
            total += count
        }
        return total
    }
}
