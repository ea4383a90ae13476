import Foundation
import Parsers

/// What the first pass learned of a file: its fingerprint and its scan.
///
/// Taken on the lookahead's thread and handed to the run's thread once, never shared:
/// the scan's reader is used by one thread at a time.
struct FirstLook: @unchecked Sendable {
    enum Outcome {
        /// The file could not be read to fingerprint it.
        case unreadable(ParseError)
        /// The SHA-256 of the file's bytes, and the first pass over them.
        case read(sha256: String, scan: Result<FileProcessor.Scan, FileProcessor.Refusal>)
    }

    let outcome: Outcome
    /// Whether the first pass found the file readable, of a kind its sender may send.
    var isScanned: Bool {
        if case .read(_, .success) = outcome { true } else { false }
    }
    /// Empty files made ahead for the file's outputs (see `FileProcessor.prepareOutputs`).
    var temporaries: [String] = []
    /// The time the two took.
    var timings: StageTimings

    /// Fingerprints and scans `file` (`scratch`: see `FileProcessor.scan`).
    static func take(_ file: InboxFile, scratch: String?) -> FirstLook {
        var timings = StageTimings()
        var started = Inbox.nowNanoseconds()
        let sha256: String
        do {
            sha256 = try Fingerprint.sha256(path: file.path)
        } catch {
            timings.add(.fingerprint, since: started)
            return FirstLook(outcome: .unreadable(error), timings: timings)
        }
        started = timings.add(.fingerprint, since: started)
        let scan = Result { () throws(FileProcessor.Refusal) in try FileProcessor.scan(file, scratch: scratch) }
        timings.add(.scan, since: started)
        return FirstLook(outcome: .read(sha256: sha256, scan: scan), timings: timings)
    }
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

    /// Starts looking at `files`, in order: `look` takes the first look at a file (its
    /// index and itself), or gives `nil` for one the run will not read.
    init(files: [InboxFile], window: Int = 8, look: @escaping @Sendable (Int, InboxFile) -> FirstLook?) {
        self.files = files
        self.window = window
        self.look = look
        slots = Array(repeating: .pending, count: files.count)
        guard !files.isEmpty else { return }
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

    /// Stops looking ahead; the thread ends after the file in hand.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        for index in files.indices {
            condition.lock()
            while !stopped && index - next >= window { condition.wait() }
            let stop = stopped
            condition.unlock()
            if stop { return }
            let first = look(index, files[index])
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
