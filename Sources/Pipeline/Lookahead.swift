import Domain
import Foundation
import Parsers

/// What the first pass learned of a file: its fingerprint and its scan.
///
/// Taken on the lookahead's thread and handed to the run's thread once, never shared:
/// the scan's reader is used by one thread at a time.
struct FirstLook: @unchecked Sendable {
    enum Outcome {
        /// The file left the inbox since it was listed: nothing to do.
        case vanished
        /// Claiming or reading the file failed for a reason of ours (see `SystemError`).
        case fault(SystemError)
        /// The SHA-256 of the file's bytes (`nil` when they cannot be read: not a regular
        /// file), and the first pass over them.
        case read(sha256: String?, scan: Result<FileProcessor.Scan, FileProcessor.Refusal>)
    }

    /// The file, where it now is (claimed, in a run).
    let file: InboxFile
    let outcome: Outcome
    /// Whether the first pass found the file readable, of a kind its sender may send.
    var isScanned: Bool {
        if case .read(_, .success) = outcome { true } else { false }
    }
    /// Empty files made ahead for the file's outputs (see `FileProcessor.prepareOutputs`).
    var prepared = PreparedOutputs()
    /// The time the two took.
    var timings: StageTimings

    /// Claims `file` out of the inbox when `root` is given (see `ClaimedInputs`), then
    /// fingerprints and scans it (`scratch`: see `FileProcessor.scan`).
    static func take(_ file: InboxFile, claimingInto root: DataRoot?, scratch: String?) -> FirstLook {
        var timings = StageTimings()
        var started = Inbox.nowNanoseconds()
        var file = file
        if let root {
            do {
                guard let claimed = try ClaimedInputs.claim(file, root: root) else {
                    return FirstLook(file: file, outcome: .vanished, timings: timings)
                }
                file = claimed
            } catch {
                return FirstLook(file: file, outcome: .fault(error), timings: timings)
            }
        }
        let sha256: String
        do {
            sha256 = try Fingerprint.sha256(path: file.path)
        } catch {
            timings.add(.fingerprint, since: started)
            switch error {
            case .system(let error):
                return FirstLook(file: file, outcome: .fault(error), timings: timings)
            case .content(let problem):
                let refusal = FileProcessor.Refusal(problem: problem.problem, rowsReadable: false)
                return FirstLook(file: file, outcome: .read(sha256: nil, scan: .failure(refusal)), timings: timings)
            }
        }
        started = timings.add(.fingerprint, since: started)
        let scan: Result<FileProcessor.Scan, FileProcessor.Refusal>
        do {
            scan = .success(try FileProcessor.scan(file, scratch: scratch))
        } catch {
            timings.add(.scan, since: started)
            switch error {
            case .refusal(let refusal): scan = .failure(refusal)
            case .system(let error): return FirstLook(file: file, outcome: .fault(error), timings: timings)
            }
        }
        timings.add(.scan, since: started)
        return FirstLook(file: file, outcome: .read(sha256: sha256, scan: scan), timings: timings)
    }
}

/// The empty file made ahead in `<root>/tmp/` for a file's result (see
/// `FileProcessor.prepareOutputs`); `nil` where none could be made ahead.
struct PreparedOutputs: Sendable {
    var result: String?
}

/// Takes the first look at the files ahead of the one being applied, on a second
/// thread, so that fingerprinting and scanning overlap validating and applying.
///
/// At most `window` files are looked at ahead of the one taken last, which bounds the
/// open files and memory however long the inbox is.
final class Lookahead: @unchecked Sendable {
    private enum Slot {
        case pending
        /// `nil` for a file the run does not look at (an unknown submitter's).
        case ready(FirstLook?)
        case taken
    }

    private let files: [InboxFile]
    private let look: @Sendable (Int, InboxFile) -> FirstLook?
    private let window: Int
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var slots: [Slot]
    private var next = 0
    private var stopped = false
    private var finished = false
    /// Submitters whose files are not to be looked at (a fault stopped their first file).
    private var blocked: Set<Submitter> = []

    /// Starts looking at `files`, in order: `look` takes the first look at a file (its
    /// index and itself), or gives `nil` for one the run will not read.
    init(files: [InboxFile], window: Int = Tuning.lookaheadWindow, look: @escaping @Sendable (Int, InboxFile) -> FirstLook?) {
        self.files = files
        self.window = window
        self.look = look
        slots = Array(repeating: .pending, count: files.count)
        guard !files.isEmpty else {
            finished = true
            return
        }
        let thread = Thread { [self] in work() }
        thread.name = "lookahead"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The first look at file `index`, waiting for it if needed. Files must be taken in
    /// order, each once.
    func take(_ index: Int) -> FirstLook? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if case .ready(let look) = slots[index] {
                slots[index] = .taken
                next = index + 1
                condition.broadcast()
                return look
            }
            condition.wait()
        }
    }

    /// Looks at no more of `submitter`'s files: their slots come back `nil`.
    func block(_ submitter: Submitter) {
        condition.lock()
        blocked.insert(submitter)
        condition.unlock()
    }

    /// Stops looking ahead, waits for the thread to end (after the file in hand), and
    /// returns the looks taken but not handed out, so that their files can be put back.
    @discardableResult
    func stop() -> [FirstLook] {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        while !finished { condition.wait() }
        var untaken: [FirstLook] = []
        for index in slots.indices {
            if case .ready(let look?) = slots[index] { untaken.append(look) }
            slots[index] = .taken
        }
        return untaken
    }

    private func work() {
        defer {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        for index in files.indices {
            condition.lock()
            while !stopped && index - next >= window { condition.wait() }
            let stop = stopped
            let skip = blocked.contains(files[index].submitter)
            condition.unlock()
            if stop { return }
            let first = skip ? nil : look(index, files[index])
            condition.lock()
            slots[index] = .ready(first)
            condition.broadcast()
            condition.unlock()
        }
    }
}

/// A value worked out on another thread; `value` waits for it.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var result: Value?

    init(name: String, _ work: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let value = work()
            condition.lock()
            result = value
            condition.broadcast()
            condition.unlock()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    var value: Value {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}
