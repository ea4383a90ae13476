#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain

/// A tar file (POSIX ustar, with a pax header for a name that does not fit or is not
/// ASCII) that entries are appended to one at a time, each written in place at the end:
/// one file for many, read by any `tar`.
///
/// `end` is the end of the sealed entries. An entry is written past it and sealed by
/// `commit()` (its header, which holds its size, is written last, so an entry cut short
/// by a kill has no valid header); `truncate(to:)` takes entries back off the end. The two
/// zero blocks that close a tar file are written by `close()`, or by `seal(path:end:)`
/// for a bundle a stopped process left open.
public final class TarBundle {
    public let path: String
    private var descriptor: Int32
    /// Where the next entry starts.
    public private(set) var end: Int64
    /// Entries' modification time, in seconds since 1970.
    private let modified: Int64
    private var writing = false

    /// Creates the bundle at `path` (its folder too); one already there is not touched
    /// (`EEXIST`).
    public init(creating path: String, modified: Int64) throws(SystemError) {
        self.path = path
        self.modified = modified
        if let slash = path.lastIndex(of: "/") { try Directories.create(String(path[..<slash])) }
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw .last(.create, path) }
        end = 0
    }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Starts an entry named `name` at the end. One entry at a time.
    public func append(_ name: String) -> Entry {
        precondition(!writing, "one entry at a time")
        writing = true
        return Entry(bundle: self, name: name, start: end)
    }

    /// Takes back every entry after `offset` (an earlier `end`): a file whose transaction
    /// did not commit leaves nothing in the bundle.
    public func truncate(to offset: Int64) throws(SystemError) {
        guard ftruncate(descriptor, off_t(offset)) == 0 else { throw .last(.write, path) }
        end = offset
    }

    /// Closes the bundle with the two zero blocks that end a tar file; a bundle left with
    /// no entry is removed.
    public func close() throws(SystemError) {
        guard descriptor >= 0 else { return }
        defer {
            Glibc.close(descriptor)
            descriptor = -1
        }
        if end == 0 {
            guard unlink(path) == 0 || errno == ENOENT else { throw .last(.unlink, path) }
            return
        }
        try Self.finish(descriptor, path: path, end: end)
    }

    /// Ends a bundle a stopped process left: everything after `end` (the end of the
    /// entries the store knows of) is cut off and the closing blocks written. With
    /// `end == 0` the bundle holds nothing and is removed.
    public static func seal(path: String, end: Int64) throws(SystemError) {
        if end == 0 {
            guard unlink(path) == 0 || errno == ENOENT else { throw .last(.unlink, path) }
            return
        }
        let descriptor = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .last(.open, path) }
        defer { Glibc.close(descriptor) }
        try finish(descriptor, path: path, end: end)
    }

    /// Whether the bundle at `path` is its entries up to `end` and the closing blocks,
    /// nothing more (sealed by an earlier recovery).
    public static func isSealed(path: String, end: Int64) throws(SystemError) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .last(.open, path) }
        defer { Glibc.close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .last(.stat, path) }
        guard Int64(info.st_size) == end + Int64(2 * block) else { return false }
        var tail = [UInt8](repeating: 1, count: 2 * block)
        let count = tail.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, off_t(end)) }
        return count == tail.count && tail.allSatisfy { $0 == 0 }
    }

    private static func finish(_ descriptor: Int32, path: String, end: Int64) throws(SystemError) {
        guard ftruncate(descriptor, off_t(end)) == 0 else { throw .last(.write, path) }
        try write(descriptor, [UInt8](repeating: 0, count: 2 * block), at: end, path: path)
    }

    static let block = 512

    static func write(_ descriptor: Int32, _ bytes: [UInt8], at offset: Int64, path: String) throws(SystemError) {
        var done = 0
        while done < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + done, raw.count - done, off_t(offset) + off_t(done))
            }
            guard written > 0 else {
                if written < 0 && errno == EINTR { continue }
                throw .last(.write, path)
            }
            done += written
        }
    }

    /// One entry, written in place: its data from past the header's room, then, on
    /// `commit()`, its padding and header.
    public final class Entry: ByteOutput {
        private let bundle: TarBundle
        public let name: String
        /// Where the entry's header starts in the bundle.
        public let offset: Int64
        private let header: Int
        private var position: Int64
        private var buffer: [UInt8] = []
        private static let flushSize = 1 << 16
        /// The entry's length in the bundle, headers and padding included, once committed.
        public private(set) var length: Int64 = 0

        init(bundle: TarBundle, name: String, start: Int64) {
            self.bundle = bundle
            self.name = name
            offset = start
            header = TarHeader.size(name: name)
            position = start + Int64(header)
            buffer.reserveCapacity(Self.flushSize)
        }

        public func write(_ text: String) throws(SystemError) {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= Self.flushSize { try flush() }
        }

        public func write(bytes: [UInt8]) throws(SystemError) {
            buffer.append(contentsOf: bytes)
            if buffer.count >= Self.flushSize { try flush() }
        }

        public func write(_ body: (inout [UInt8]) -> Void) throws(SystemError) {
            body(&buffer)
            if buffer.count >= Self.flushSize { try flush() }
        }

        public func flush() throws(SystemError) {
            guard !buffer.isEmpty else { return }
            try TarBundle.write(bundle.descriptor, buffer, at: position, path: bundle.path)
            position += Int64(buffer.count)
            buffer.removeAll(keepingCapacity: true)
        }

        /// Pads the data to a whole block and writes the header: the entry is whole, and
        /// the bundle's `end` is after it.
        public func commit() throws(SystemError) {
            try flush()
            let dataStart = offset + Int64(header)
            let size = position - dataStart
            let padding = Int((Int64(block) - size % Int64(block)) % Int64(block))
            if padding > 0 { try write(bytes: [UInt8](repeating: 0, count: padding)) }
            try flush()
            let headers = TarHeader.make(name: name, size: size, modified: bundle.modified)
            precondition(headers.count == header)
            try TarBundle.write(bundle.descriptor, headers, at: offset, path: bundle.path)
            length = position - offset
            bundle.end = position
            bundle.writing = false
        }

        /// Takes the entry back off the bundle, sealed or not. Should the file not
        /// shrink, what is past `end` is written over by the next entry, and cut off by
        /// `close()` or `seal`.
        public func discard() {
            buffer.removeAll()
            bundle.writing = false
            bundle.end = offset
            _ = ftruncate(bundle.descriptor, off_t(offset))
        }
    }
}
