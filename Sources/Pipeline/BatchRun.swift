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
import Store

/// `ect-batch run`: every new inbox file, in order, each in its own transaction.
public struct BatchRun {
    public struct Options: Sendable {
        public var root: DataRoot
        /// The TRS extract; `nil` means the newest file in `<root>/trs/`.
        public var trsPath: String?
        public var asOf: Day
        public var settleSeconds: Int
        public var runID: String
        /// Testing only: the process kills itself (SIGKILL) after validating this many
        /// rows in all, in the middle of a file's transaction, to prove crash safety.
        public var killAfterRows: Int?
        /// Counts from 1 to this minus one are shown as `c` in the reports (0: off).
        public var suppressBelow: Int

        public init(root: DataRoot, trsPath: String? = nil, asOf: Day, settleSeconds: Int = 0, runID: String,
                    killAfterRows: Int? = nil, suppressBelow: Int = 0) {
            self.killAfterRows = killAfterRows
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
        public var milliseconds = 0
        /// Where the time went.
        public var timings = StageTimings()

        public var accepted: Int { files.reduce(0) { $0 + $1.accepted } }
        public var rejected: Int { files.reduce(0) { $0 + $1.rejected } }
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

    /// Runs the job. Throws only for operational failures.
    public func run() throws(RunError) -> Summary {
        let started = Inbox.nowNanoseconds()
        let root = options.root
        let lock = try RunLock(path: root.lock)
        defer { withExtendedLifetime(lock) {} }

        // The TRS extract, the biggest input, loads on a second thread while the store
        // opens and the inbox is listed; the first files are scanned meanwhile.
        var timings = StageTimings()
        let (trsPath, logger) = (options.trsPath, self.logger)
        let trsLoad = Background(name: "trs-load") { () -> (Result<TRSIndex, RunError>, StageTimings) in
            var timings = StageTimings()
            let started = Inbox.nowNanoseconds()
            let trs = Result { () throws(RunError) in try TRSLoader.load(path: trsPath, root: root, logger: logger) }
            timings.add(.load, since: started)
            return (trs, timings)
        }
        var stageStart = Inbox.nowNanoseconds()
        let (store, reference) = try Self.openStore(root: root)
        stageStart = timings.add(.load, since: stageStart)
        // What a stopped run left in tmp/: inputs whose commit a power cut lost go back to
        // the inbox; the rest (half-written outputs, inputs already applied) is deleted.
        _ = try RetiredInputs.recover(root: root, store: store, logger: logger)
        Self.empty(root.temporary)

        let listing = Inbox(root: root, settleSeconds: options.settleSeconds).scan()
        timings.add(.discover, since: stageStart)
        let asOf = options.asOf
        let lookahead = Lookahead(files: listing.files) { index, file in
            guard reference.knows(file.submitter) else { return nil }
            var look = FirstLook.take(file, scratch: root.temporary)
            let preparing = Inbox.nowNanoseconds()
            look.temporaries = FileProcessor.prepareOutputs(for: file, number: index, root: root, asOf: asOf,
                                                            archived: look.isScanned)
            look.timings.add(.write, since: preparing)
            return look
        }
        defer { lookahead.stop() }
        let (loaded, loading) = trsLoad.value
        timings.merge(loading)
        let trs = try loaded.get()
        for notice in listing.notices {
            logger.notice("left in the inbox: \(notice.path.loggable) (\(notice.reason))")
        }
        var summary = Summary(runID: options.runID, asOf: options.asOf, notices: listing.notices)
        do {
            try store.write { try $0.startRun(id: options.runID, asOf: options.asOf, startedAt: Timestamp.now()) }
        } catch { throw .store(String(describing: error)) }

        let processor = FileProcessor(root: root, store: store, trs: trs, reference: reference, asOf: options.asOf,
                                      runID: options.runID, logger: logger)
        processor.killAfterRows = options.killAfterRows
        var failure: RunError?
        for (index, file) in listing.files.enumerated() {
            do {
                let report = try processor.process(file, look: lookahead.take(index))
                log(report)
                summary.files.append(report)
                progress?(summary.files.count, listing.files.count)
            } catch {
                failure = error
                logger.error("stopped at \(file.path.loggable): \(error)")
                break
            }
        }
        summary.milliseconds = Int((Inbox.nowNanoseconds() - started) / 1_000_000)
        do {
            try store.write {
                try $0.finishRun(id: options.runID, finishedAt: Timestamp.now(), failed: failure != nil,
                                 durationMilliseconds: summary.milliseconds)
            }
            try store.checkpoint()
        } catch { throw .store(String(describing: error)) }
        // The processed inputs, retired into tmp/ as each file committed (see
        // RetiredInputs), are deleted on a second thread while the reports are built
        // (report files are written beside their destination, not in tmp/): once the
        // checkpoint above has synced the store, and the file system has written the
        // result and archive files, so that no power cut can lose an input's work.
        let (temporary, data) = (root.temporary, root.path)
        let emptying = Background(name: "tmp-empty") { () -> StageTimings in
            var timings = StageTimings()
            let started = Inbox.nowNanoseconds()
            if ect_sync_file_system(data) == 0 { Self.empty(temporary) }
            timings.add(.commit, since: started)
            return timings
        }
        if failure == nil {
            let reporting = Inbox.nowNanoseconds()
            do {
                try ReportBuilder(store: store).write(root: root, runs: [options.runID], suppressBelow: options.suppressBelow)
            } catch let error as OutputError {
                failure = .output(error)
            } catch {
                failure = .store(String(describing: error))
            }
            timings.add(.reports, since: reporting)
        }
        timings.merge(emptying.value)
        if let failure { throw failure }
        timings.merge(processor.timings)
        summary.timings = timings
        logger.info("run \(options.runID): \(summary.files.count) files, \(summary.accepted) rows accepted, \(summary.rejected) rejected, \(summary.milliseconds) ms")
        return summary
    }

    /// Removes the files in `folder` and in its folders (the run's temporary files); the
    /// folders stay, for the next run.
    static func empty(_ folder: String) {
        for name in Inbox.entries(of: folder) {
            let path = folder + "/" + name
            if Inbox.type(of: path) == S_IFDIR {
                for inner in Inbox.entries(of: path) { unlink(path + "/" + inner) }
            } else {
                unlink(path)
            }
        }
    }

    /// The store, the reference data and the TRS extract a run works with.
    static func open(root: DataRoot, trsPath: String?, logger: Logger) throws(RunError) -> (Store, ReferenceIndex, TRSIndex) {
        let (store, reference) = try openStore(root: root)
        return (store, reference, try TRSLoader.load(path: trsPath, root: root, logger: logger))
    }

    /// The store and the reference data it holds.
    static func openStore(root: DataRoot) throws(RunError) -> (Store, ReferenceIndex) {
        let store: Store
        let reference: ReferenceIndex
        do {
            store = try Store(path: root.store)
            reference = ReferenceIndex(try store.read { try $0.referenceData() })
        } catch {
            throw .store(String(describing: error))
        }
        guard !reference.isEmpty else {
            throw .configuration("no reference data in \(root.store): run `ect-batch load-reference` first")
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
            throw .configuration("cannot read the TRS extract \(chosen): \(error.message)")
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


extension String {
    /// The text with control characters escaped (`\u{0A}`), so that a file name cannot
    /// break or forge a log line.
    var loggable: String {
        var out = ""
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
