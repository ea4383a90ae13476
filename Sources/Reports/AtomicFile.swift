#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Foundation

/// A file written under a temporary name beside its destination and renamed into place
/// by `commit()`: readers see either no file or the whole file, never half of one.
public final class AtomicFile: ByteOutput {
    public let path: String
    public let temporaryPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private static let flushSize = 1 << 16
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    private static func nextNumber() -> Int {
        counterLock.lock()
        defer { counterLock.unlock() }
        counter += 1
        return counter
    }

    /// Creates the temporary file (and the destination's folder). The temporary file is
    /// `temporaryPath` when given — which must be on the destination's file system, so that
    /// the rename stays atomic — else a hidden name beside the destination.
    public init(path: String, temporaryPath: String? = nil) throws(SystemError) {
        self.path = path
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        try Directories.create(directory)
        // A hidden name of this process's own, so that two processes writing the same file
        // (two `report`s at once) never write into one temporary file.
        self.temporaryPath = temporaryPath ?? "\(directory)/.\(getpid())-\(AtomicFile.nextNumber()).tmp"
        // Not O_TRUNC: truncating a file, even an empty one made ahead for this, has ext4
        // write it back when it is closed (its guard for files replaced by truncation).
        descriptor = open(self.temporaryPath, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else { throw .last(.create, self.temporaryPath) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_size == 0 || ftruncate(descriptor, 0) == 0 else {
            let error = SystemError.last(.write, self.temporaryPath)
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

    public func write(_ text: String) throws(SystemError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= AtomicFile.flushSize { try flush() }
    }

    public func write(bytes: [UInt8]) throws(SystemError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= AtomicFile.flushSize { try flush() }
    }

    /// Lets `body` append bytes to the file's buffer directly.
    public func write(_ body: (inout [UInt8]) -> Void) throws(SystemError) {
        body(&buffer)
        if buffer.count >= AtomicFile.flushSize { try flush() }
    }

    /// Writes what is buffered to the temporary file (no sync).
    public func flush() throws(SystemError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            guard written > 0 else { throw .last(.write, temporaryPath) }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and renames the file into place at `path`.
    public func commit() throws(SystemError) {
        try commit(as: nil)
    }

    /// Flushes, closes and renames the file into place: at `path`, or at `destination`
    /// (on the same file system). On failure the temporary file is removed.
    public func commit(as destination: String?) throws(SystemError) {
        do {
            try flush()
        } catch {
            discard()
            throw error
        }
        close(descriptor)
        descriptor = -1
        let target = destination ?? path
        guard rename(temporaryPath, target) == 0 else {
            let error = SystemError.last(.rename, target)
            unlink(temporaryPath)
            throw error
        }
    }

    /// Drops everything written so far, to write the file from its start again.
    public func restart() throws(SystemError) {
        buffer.removeAll(keepingCapacity: true)
        guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0 else {
            throw .last(.write, temporaryPath)
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

/// Folder creation, like `mkdir -p`.
public enum Directories {
    public static func create(_ path: String) throws(SystemError) {
        guard !path.isEmpty else { return }
        // Usually the folder is there already, or only its last part is missing: one call.
        if mkdir(path, 0o755) == 0 || errno == EEXIST { return }
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .last(.mkdir, current)
            }
        }
    }
}
