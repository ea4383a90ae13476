#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a temporary name beside its destination and renamed into place
/// by `commit()`: readers see either no file or the whole file, never half of one.
public final class AtomicFile {
    public let path: String
    public let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 16

    /// Creates the temporary file (and the destination's folder). The temporary file is
    /// `temporaryPath` when given — which must be on the destination's file system, so that
    /// the rename stays atomic — else a hidden name beside the destination.
    public init(path: String, temporaryPath: String? = nil) throws(OutputError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        try Directories.create(directory)
        self.temporaryPath = temporaryPath ?? "\(directory)/.\(name).tmp"
        // Not O_TRUNC: truncating a file, even an empty one made ahead for this, has ext4
        // write it back when it is closed (its guard for files replaced by truncation).
        descriptor = open(self.temporaryPath, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw OutputError(path: self.temporaryPath, errno: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size == 0 || ftruncate(descriptor, 0) == 0 else {
            let error = OutputError(path: self.temporaryPath, errno: errno)
            close(descriptor)
            throw error
        }
        buffer.reserveCapacity(AtomicFile.flushSize)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
            unlink(temporaryPath)
        }
    }

    public func write(_ text: String) throws(OutputError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= AtomicFile.flushSize { try flush() }
    }

    public func write(bytes: [UInt8]) throws(OutputError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= AtomicFile.flushSize { try flush() }
    }

    /// Lets `body` append bytes to the file's buffer directly.
    public func write(_ body: (inout [UInt8]) -> Void) throws(OutputError) {
        body(&buffer)
        if buffer.count >= AtomicFile.flushSize { try flush() }
    }

    private func flush() throws(OutputError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            guard written > 0 else { throw OutputError(path: temporaryPath, errno: errno) }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place.
    public func commit() throws(OutputError) {
        try flush()
        close(descriptor)
        descriptor = -1
        guard rename(temporaryPath, path) == 0 else {
            let error = OutputError(path: path, errno: errno)
            unlink(temporaryPath)
            throw error
        }
    }

    /// Closes and removes the temporary file.
    public func discard() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
        unlink(temporaryPath)
    }
}

/// Writing an output failed (disk full, permissions): an operational failure.
public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let code: Int32

    public init(path: String, errno code: Int32) {
        self.path = path
        self.code = code
    }

    public var description: String { "cannot write \(path): \(String(cString: strerror(code)))" }
}

/// Folder creation, like `mkdir -p`.
public enum Directories {
    public static func create(_ path: String) throws(OutputError) {
        guard !path.isEmpty else { return }
        // Usually the folder is there already, or only its last part is missing: one call.
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw OutputError(path: current, errno: errno)
            }
        }
    }
}
