#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CSupport
import Domain
import Logging
import Parsers
import Reports
import Rules
import Store
import TRS

/// `ect-batch run`: every new inbox file, in order, each in its own transaction.
public struct BatchRun {
    public struct Options: Sendable {
        public var root: DataRoot
        /// The TRS extract; `nil` means the newest file in `<root>/trs/`.
        public var trsPath: String?
        /// TRS's API, used instead of an extract when given.
        public var trsAPI: TRSClient?
        public var asOf: Day
        public var settleSeconds: Int
        public var runID: String
        /// Testing only: the process kills itself (SIGKILL) after validating this many
        /// rows in all, in the middle of a file's transaction, to prove crash safety.
        public var killAfterRows: Int?
        /// Testing only: the process stops itself (SIGSTOP) after validating this many rows,
        /// in the middle of a file's transaction, until a test that has stopped the store's
        /// server under it sends SIGCONT.
        public var pauseAfterRows: Int?
        /// Testing only: the process kills itself after this many archive copies are in
        /// place, before that file's result is: the moment between the two renames.
        public var killAfterArchives: Int?
        /// Counts from 1 to this minus one are shown as `c` in the reports (0: off).
        public var suppressBelow: Int

        public init(root: DataRoot, trsPath: String? = nil, asOf: Day, settleSeconds: Int = 0, runID: String,
                    killAfterRows: Int? = nil, killAfterArchives: Int? = nil, suppressBelow: Int = 0) {
            self.killAfterRows = killAfterRows
            self.killAfterArchives = killAfterArchives
            self.suppressBelow = suppressBelow
            self.root = root
            self.trsPath = trsPath
            self.asOf = asOf
            self.settleSeconds = settleSeconds
            self.runID = runID
        }
    }

    /// What a run did.
    public struct Summary: Sendable {
        public var runID: String
        public var asOf: Day
        public var files: [FileReport] = []
        public var notices: [InboxNotice] = []
        /// Operational failures: each left its file (and its submitter's later files) in
        /// the inbox, untouched, for the next run. The first decides the exit code.
        public var faults: [RunFault] = []
        /// Inbox files not dealt with because of a fault: they wait for the next run.
        public var waiting: [String] = []
        /// Whether a fault stopped the run before the end of the inbox.
        public var stopped = false
        public var milliseconds = 0
        /// Where the time went.
        public var timings = StageTimings()
        /// What was asked of TRS's API (zero with an extract).
        public var trsRequests = TRSClient.Counters()

        /// The run's counts: the one source for stdout, the log, the store and the report.
        public var counts: RunCounts {
            var counts = RunCounts()
            for file in files {
                switch file.outcome {
                case .processed:
                    counts.processed += 1
                    counts.accepted += file.accepted
                    counts.rejected += file.rejected
                case .reissued: counts.reissued += 1
                case .refused: counts.refused += 1
                case .quarantined: counts.quarantined += 1
                }
            }
            counts.waiting = waiting.count
            return counts
        }

        /// Rows accepted and rejected in the files processed (see `RunCounts`).
        public var accepted: Int { counts.accepted }
        public var rejected: Int { counts.rejected }
        /// The exit code the run calls for: 0, or the first fault's.
        public var exitCode: Int32 { faults.first?.error.exitCode ?? 0 }
    }

    public let options: Options
    public let logger: Logger
    /// Called after each file with the number done and the number found.
    public var progress: ((Int, Int) -> Void)?

    public init(options: Options, logger: Logger, progress: ((Int, Int) -> Void)? = nil) {
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    /// Runs the job. Throws when it cannot start (lock, configuration, store); a fault
    /// met on the way is in the summary's `faults`, with what it left waiting.
    ///
    /// A fault on one submitter's folder or file (permissions, a file that cannot be
    /// read) makes that submitter's files wait, and the run goes on with the others; any
    /// other fault (the store, `tmp/`, a full disk, too many open files) stops the run.
    /// Either way the file in hand, and every file claimed ahead of it, goes back to the
    /// inbox as it was.
    public func run() throws(RunError) -> Summary {
        let started = Inbox.nowNanoseconds()
        let root = options.root
        // A mistyped --root is an error, not a new empty data root.
        guard Inbox.type(of: root.path) == S_IFDIR else { throw .system(SystemError(.stat, root.path, errno: ENOENT)) }
        let lock = try RunLock(path: root.lock)
        defer { withExtendedLifetime(lock) {} }

        // The TRS extract, the biggest input, loads on a second thread while the store
        // opens and the inbox is listed; the first files are scanned meanwhile.
        var timings = StageTimings()
        let (trsPath, logger) = (options.trsPath, self.logger)
        let trsLoad = options.trsAPI != nil ? nil : Background(name: "trs-load") { () -> (Result<TRSIndex, RunError>, StageTimings) in
            var timings = StageTimings()
            let started = Inbox.nowNanoseconds()
            let trs = Result { () throws(RunError) in try TRSLoader.load(path: trsPath, root: root, logger: logger) }
            timings.add(.trs, since: started)
            return (trs, timings)
        }
        var stageStart = Inbox.nowNanoseconds()
        let (store, reference) = try Self.openStore(root: root, forRun: true)
        stageStart = timings.add(.load, since: stageStart)
        var summary = Summary(runID: options.runID, asOf: options.asOf)
        // What a stopped run left: claimed inputs go back to the inbox unless committed
        // with their result; then the rest of tmp/ (half-written outputs) is emptied.
        let recovery = try ClaimedInputs.recover(root: root, store: store, logger: logger)
        summary.faults += recovery.faults
        try RunArchive.recover(root: root, store: store, runID: options.runID)
        try Self.prepareTemporary(root)

        let listing = Inbox(root: root, settleSeconds: options.settleSeconds).scan()
        summary.faults += listing.faults
        summary.notices = listing.notices
        timings.add(.discover, since: stageStart)
        let asOf = options.asOf
        var blocked = Set(summary.faults.compactMap(\.submitter))
        if summary.faults.contains(where: { $0.submitter == nil }) { summary.stopped = true }
        // Through the API, TRS is asked about the whole night before any file is claimed:
        // when it cannot be reached, every file stays in the inbox as it was.
        var apiSource: TRSAPISource?
        if let client = options.trsAPI, !summary.stopped {
            let asking = Inbox.nowNanoseconds()
            let source = TRSAPISource(client: client, today: asOf)
            let wanted = listing.files.filter { reference.knows($0.submitter) && !blocked.contains($0.submitter) }
            let lookups = TRSPrefetch.lookups(in: wanted, asOf: asOf, scratch: root.temporary)
            let read = Inbox.nowNanoseconds()
            do throws(TRSError) {
                try source.prefetch(lookups)
            } catch {
                throw .trs(error)
            }
            timings.add(.trs, since: asking)
            logger.info("TRS API: \(lookups.count) rows' TRNs read from \(wanted.count) files in \((read - asking) / 1_000_000) ms, asked in \((Inbox.nowNanoseconds() - read) / 1_000_000) ms")
            apiSource = source
        }
        let lookahead = Lookahead(files: listing.files) { index, file in
            guard reference.knows(file.submitter) else { return nil }
            var look = FirstLook.take(file, claimingInto: root, scratch: root.temporary)
            let preparing = Inbox.nowNanoseconds()
            if case .read = look.outcome {
                look.prepared = FileProcessor.prepareOutputs(for: file, number: index, root: root)
            }
            look.timings.add(.write, since: preparing)
            return look
        }
        blocked.forEach(lookahead.block)
        let trs: any TeacherRecordSource
        if let apiSource {
            trs = apiSource
        } else if let trsLoad {
            let (loaded, loading) = trsLoad.value
            timings.merge(loading)
            do {
                trs = try loaded.get()
            } catch {
                putBack(lookahead.stop(), into: &summary)
                throw error
            }
        } else {
            preconditionFailure("a run has an extract or an API")
        }
        for notice in listing.notices {
            logger.notice("left in the inbox: \(notice.path.loggable) (\(notice.reason))")
        }
        do {
            try store.write { try $0.startRun(id: options.runID, asOf: options.asOf, startedAt: Timestamp.now()) }
        } catch {
            putBack(lookahead.stop(), into: &summary)
            throw .store(String(describing: error))
        }

        let processor = FileProcessor(root: root, store: store, trs: trs, reference: reference, asOf: options.asOf,
                                      runID: options.runID, logger: logger)
        processor.killAfterRows = options.killAfterRows
        processor.pauseAfterRows = options.pauseAfterRows
        processor.killAfterArchives = options.killAfterArchives
        let archive = RunArchive(root: root, asOf: options.asOf, runID: options.runID)
        processor.archive = archive
        var next = 0
        for (index, file) in listing.files.enumerated() where !summary.stopped {
            next = index + 1
            let look = lookahead.take(index)
            if blocked.contains(file.submitter) {
                putBack(look.map { [$0] } ?? [], into: &summary)
                summary.waiting.append(file.inboxPath)
                continue
            }
            if case .vanished? = look?.outcome { continue }
            do {
                let report = try processor.process(file, look: look)
                log(report)
                summary.files.append(report)
                progress?(summary.files.count, listing.files.count)
            } catch {
                putBack(look.map { [$0] } ?? [], into: &summary)
                summary.waiting.append(file.inboxPath)
                let fault = RunFault(submitter: Self.isLocal(error, to: file.submitter, in: root) ? file.submitter : nil,
                                     file: file.inboxPath, error: error)
                summary.faults.append(fault)
                if let submitter = fault.submitter {
                    logger.error("\(fault); \(submitter)'s files wait for the next run")
                    blocked.insert(submitter)
                    lookahead.block(submitter)
                } else {
                    logger.error("\(fault); the run stops, the rest of the inbox waits for the next run")
                    summary.stopped = true
                }
            }
        }
        // Files looked at ahead but not processed (the run stopped) go back to the inbox.
        putBack(lookahead.stop(), into: &summary)
        do {
            try archive.close()
        } catch {
            // Its entries are whole and readable; only tar's closing blocks are missing.
            summary.faults.append(RunFault(submitter: nil, file: nil, error: .system(error)))
        }
        if summary.stopped { summary.waiting += listing.files[next...].map(\.inboxPath) }
        summary.milliseconds = Int((Inbox.nowNanoseconds() - started) / 1_000_000)
        do {
            try store.write {
                try $0.finishRun(id: options.runID, finishedAt: Timestamp.now(), failed: !summary.faults.isEmpty,
                                 durationMilliseconds: summary.milliseconds, counts: summary.counts)
            }
            try store.checkpoint()
        } catch {
            summary.faults.append(RunFault(submitter: nil, file: nil, error: .store(String(describing: error))))
            return summary
        }
        // The committed inputs are deleted on a second thread while the reports are
        // built: once the checkpoint above has synced the store, and the file system has
        // written the result and archive files, so that no power cut can lose an input's
        // work. Without the sync they stay, for the next run's recovery.
        let (committed, data) = (processor.committedInputs, root.path)
        let deleting = Background(name: "inputs-delete") { () -> (StageTimings, SystemError?) in
            var timings = StageTimings()
            let started = Inbox.nowNanoseconds()
            guard ect_sync_file_system(data) == 0 else { return (timings, .last(.sync, data)) }
            ClaimedInputs.delete(committed, logger: logger)
            timings.add(.commit, since: started)
            return (timings, nil)
        }
        if !summary.stopped {
            let reporting = Inbox.nowNanoseconds()
            do {
                try ReportBuilder(store: store).write(root: root, runs: [options.runID], suppressBelow: options.suppressBelow)
            } catch let error as SystemError {
                summary.faults.append(RunFault(submitter: nil, file: nil, error: .system(error)))
            } catch {
                summary.faults.append(RunFault(submitter: nil, file: nil, error: .store(String(describing: error))))
            }
            timings.add(.reports, since: reporting)
        }
        let (deleted, syncFailure) = deleting.value
        timings.merge(deleted)
        if let syncFailure {
            summary.faults.append(RunFault(submitter: nil, file: nil, error: .system(syncFailure)))
        }
        timings.merge(processor.timings)
        summary.timings = timings
        if let client = options.trsAPI {
            let asked = client.counts
            summary.trsRequests = asked
            logger.info("TRS API: \(asked.findRequests) find and \(asked.personRequests) person request(s), \(asked.retries) retried, \(asked.waitingNanoseconds / 1_000_000) ms waiting")
        }
        logger.info("run \(options.runID): \(summary.counts.line), \(summary.milliseconds) ms")
        return summary
    }

    /// Puts back in the inbox the files of `looks` that were claimed; one that cannot go
    /// back stays claimed, for the next run's recovery, and is a fault.
    private func putBack(_ looks: [FirstLook], into summary: inout Summary) {
        for look in looks where look.file.isClaimed {
            do {
                try ClaimedInputs.putBack(look.file)
            } catch {
                logger.error("cannot put \(look.file.path.loggable) back in the inbox: \(error); the next run tries again")
                summary.faults.append(RunFault(submitter: look.file.submitter, file: look.file.inboxPath, error: .system(error)))
            }
        }
    }

    /// Whether `error` concerns only `submitter`'s own folders (it may not read its inbox
    /// folder, or write its outbox folder): then only its files wait. A shortage of
    /// resources (disk, open files, memory), an I/O error, or anything outside those
    /// folders concerns the whole run.
    static func isLocal(_ error: RunError, to submitter: Submitter, in root: DataRoot) -> Bool {
        guard case .system(let error) = error else { return false }
        guard [EACCES, EPERM, ENOENT, ENOTDIR, ELOOP, EISDIR, ENAMETOOLONG, EEXIST].contains(error.errno) else {
            return false
        }
        // The archive is the run's one bundle: a failure there concerns every submitter.
        let own = [root.inbox, root.outbox, root.quarantine, ClaimedInputs.folder(root)].map {
            root.folder($0, for: submitter) + "/"
        }
        return own.contains { error.path.hasPrefix($0) }
    }

    /// Makes `<root>/tmp/` ready: removes what a stopped run left there but the claimed
    /// inputs recovery has just sorted out (any left are faults, kept for a later run).
    static func prepareTemporary(_ root: DataRoot) throws(RunError) {
        do {
            try Directories.create(root.temporary)
        } catch {
            throw .system(error)
        }
        for name in Inbox.entries(of: root.temporary) {
            let path = root.temporary + "/" + name
            if name == "inputs" || ClaimedInputs.legacyOriginal(of: name) != nil { continue }
            if Inbox.type(of: path) == S_IFDIR {
                for inner in Inbox.entries(of: path) { unlink(path + "/" + inner) }
            } else {
                unlink(path)
            }
        }
    }

    /// The store, the reference data and the TRS source (extract or API) a dry run works with.
    static func open(root: DataRoot, trsPath: String?, trsAPI: TRSClient?, asOf: Day, logger: Logger) throws(RunError)
        -> (Store, ReferenceIndex, any TeacherRecordSource) {
        let (store, reference) = try openStore(root: root)
        if let trsAPI { return (store, reference, TRSAPISource(client: trsAPI, today: asOf)) }
        return (store, reference, try TRSLoader.load(path: trsPath, root: root, logger: logger))
    }

    /// The store and the reference data it holds.
    static func openStore(root: DataRoot, forRun: Bool = false) throws(RunError) -> (Store, ReferenceIndex) {
        let store = forRun ? try root.openForRun() : try root.openExisting()
        let reference: ReferenceIndex
        do {
            reference = ReferenceIndex(try store.read { try $0.referenceData() })
        } catch {
            throw .store(String(describing: error))
        }
        guard !reference.isEmpty else {
            throw .configuration("no reference data in \(root.storeName): run `ect-batch load-reference` first")
        }
        return (store, reference)
    }

    private func log(_ report: FileReport) {
        let name = "\(report.file.submitter)/\(report.file.name.loggable)"
        switch report.outcome {
        case .processed:
            logger.info("\(name): \(report.kind?.rawValue ?? "?"), \(report.rows) rows, \(report.accepted) accepted, \(report.rejected) rejected (\(report.milliseconds) ms)")
        case .reissued:
            logger.info("\(name): already processed; result re-issued, nothing applied (\(report.milliseconds) ms)")
        case .refused(let problem):
            logger.warning("\(name): refused, \(problem.code): \(problem.message)")
        case .quarantined(let problem):
            logger.warning("\(name): quarantined, \(problem.code)")
        }
    }
}

/// Loads the TRS extract named, or the newest one in `<root>/trs/`.
public enum TRSLoader {
    public static func load(path: String?, root: DataRoot, logger: Logger) throws(RunError) -> TRSIndex {
        guard let chosen = path ?? newest(in: root.trs) else {
            throw .configuration("no TRS extract: give --trs FILE or put the extract in \(root.trs)/")
        }
        do {
            let extract = try TRSExtractReader.read(path: chosen)
            if !extract.skipped.isEmpty {
                logger.warning("TRS extract \(chosen): \(extract.skipped.count) lines skipped, first: \(extract.skipped[0])")
            }
            logger.debug("TRS extract \(chosen): \(extract.records.count) records")
            return TRSIndex(extract.records)
        } catch {
            switch error {
            case .system(let error): throw .system(error)
            case .content(let problem): throw .configuration("cannot read the TRS extract \(chosen): \(problem.message)")
            }
        }
    }

    static func newest(in directory: String) -> String? {
        var best: (String, Int64)?
        for name in Inbox.entries(of: directory) where !name.hasPrefix(".") {
            let path = directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            if best == nil || modified > best!.1 || (modified == best!.1 && name > best!.0) { best = (path, modified) }
        }
        return best?.0
    }
}

