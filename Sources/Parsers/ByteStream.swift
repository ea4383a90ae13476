#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain

/// Bytes from a file (or memory), read through one fixed buffer: however large the
/// file, the stream holds at most `capacity` bytes of it.
///
/// Files are opened with `O_NOFOLLOW`: a symbolic link is never followed.
public final class ByteStream {
    @usableFromInline var buffer: [UInt8]
    @usableFromInline var position = 0
    @usableFromInline var end = 0
    private var descriptor: Int32 = -1
    private var exhausted = false
    private let capacity: Int
    /// The file read, for the errors that name it.
    private var path = "memory"

    private static let notRegular = ReadError.content(ParseError(.fileUnreadable, "This is not a regular file. Upload the file itself, not a link or folder."))

    /// Opens a regular file for reading.
    public init(path: String, capacity: Int = 1 << 16) throws(ReadError) {
        self.capacity = capacity
        self.buffer = [UInt8](repeating: 0, count: capacity)
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            // A symbolic link put in the file's place: the submitter's doing, not ours.
            if errno == ELOOP { throw Self.notRegular }
            throw .system(.last(.open, path))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let error = SystemError.last(.stat, path)
            close(fd)
            throw .system(error)
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw Self.notRegular
        }
        self.path = path
        self.descriptor = fd
    }

    /// A stream over bytes already in memory.
    public init(bytes: [UInt8]) {
        self.capacity = max(bytes.count, 1)
        self.buffer = bytes
        self.end = bytes.count
        self.exhausted = true
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Refills the buffer; false at the end of the data.
    @usableFromInline
    func refill() throws(ReadError) -> Bool {
        guard !exhausted else { return false }
        let count = buffer.withUnsafeMutableBytes { raw in
            read(descriptor, raw.baseAddress, capacity)
        }
        guard count >= 0 else { throw .system(.last(.read, path)) }
        position = 0
        end = count
        if count == 0 { exhausted = true }
        return count > 0
    }

    /// The next byte without consuming it; `nil` at the end.
    @inlinable
    public func peek() throws(ReadError) -> UInt8? {
        if position == end, try !refill() { return nil }
        return buffer[position]
    }

    /// The next byte; `nil` at the end.
    @inlinable
    public func next() throws(ReadError) -> UInt8? {
        if position == end, try !refill() { return nil }
        defer { position += 1 }
        return buffer[position]
    }

    /// Up to `count` leading bytes, without consuming them (the stream must be fresh).
    public func prefix(_ count: Int) throws(ReadError) -> [UInt8] {
        if position == end { _ = try refill() }
        return Array(buffer[position..<min(end, position + count)])
    }

    /// Every byte left, in memory (for the few readers that must hold a whole file).
    public func readAll() throws(ReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        while true {
            let chunk = try prefix(1 << 16)
            if chunk.isEmpty { return bytes }
            bytes += chunk
            skip(chunk.count)
        }
    }

    /// Skips `count` bytes of what `prefix` returned.
    public func skip(_ count: Int) {
        position = min(end, position + count)
    }
}
