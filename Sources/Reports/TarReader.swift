#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain

/// Reads the members of a tar file written by `TarBundle`: to find an archived input, to
/// check that an entry the store points at is whole, to read it back.
public enum TarReader {
    public struct Member: Hashable, Sendable {
        public let name: String
        /// Where the member's first header starts.
        public let offset: Int64
        /// Where its data starts, and how many bytes.
        public let dataOffset: Int64
        public let size: Int64
        /// Its length in the file, headers and padding included.
        public var length: Int64 { dataOffset + padded(size) - offset }
    }

    /// The whole members of the tar file at `path`, in order, up to its closing blocks,
    /// or up to the first thing that is not a whole member.
    public static func members(path: String) throws(SystemError) -> [Member] {
        try withFile(path) { descriptor, size throws(SystemError) in
            var members: [Member] = []
            var offset: Int64 = 0
            while let member = try member(descriptor, path: path, size: size, at: offset) {
                members.append(member)
                offset += member.length
            }
            return members
        }
    }

    /// The whole member whose header starts at `offset`, if there is one.
    public static func member(path: String, at offset: Int64) throws(SystemError) -> Member? {
        try withFile(path) { descriptor, size throws(SystemError) in try member(descriptor, path: path, size: size, at: offset) }
    }

    /// A member's data.
    public static func data(path: String, of member: Member) throws(SystemError) -> [UInt8] {
        try withFile(path) { descriptor, _ throws(SystemError) in
            try read(descriptor, path: path, at: member.dataOffset, count: Int(member.size))
        }
    }

    private static func member(_ descriptor: Int32, path: String, size: Int64, at start: Int64) throws(SystemError) -> Member? {
        let block = Int64(TarHeader.block)
        var offset = start
        var paxName: String?
        while offset + block <= size {
            let bytes = try read(descriptor, path: path, at: offset, count: TarHeader.block)
            guard let header = TarHeader.parse(bytes[...]) else { return nil }
            let dataOffset = offset + block
            guard dataOffset + padded(header.size) <= size else { return nil }
            if header.type == UInt8(ascii: "x") {
                let records = try read(descriptor, path: path, at: dataOffset, count: Int(header.size))
                paxName = TarHeader.paxPath(records)
                offset = dataOffset + padded(header.size)
                continue
            }
            return Member(name: paxName ?? header.name, offset: start, dataOffset: dataOffset, size: header.size)
        }
        return nil
    }

    static func padded(_ size: Int64) -> Int64 {
        let block = Int64(TarHeader.block)
        return (size + block - 1) / block * block
    }

    private static func withFile<T>(_ path: String, _ body: (Int32, Int64) throws(SystemError) -> T) throws(SystemError) -> T {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .last(.open, path) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .last(.stat, path) }
        return try body(descriptor, Int64(info.st_size))
    }

    private static func read(_ descriptor: Int32, path: String, at offset: Int64, count: Int) throws(SystemError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw got == 0 ? SystemError(.read, path, errno: EIO) : .last(.read, path) }
            done += got
        }
        return bytes
    }
}
