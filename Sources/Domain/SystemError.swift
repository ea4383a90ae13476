#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of the machine, not of anybody's file: a system call on a path failed
/// (permissions, too many open files, a full disk, an I/O error).
///
/// Never turned into a message about a submitter's file: whoever catches one leaves that
/// file untouched and reports the failure to operations (SPEC.md §3, "Whose fault it is").
public struct SystemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was being done.
    public enum Operation: String, Sendable {
        case open, read, write, create, rename, mkdir, sync, unlink, list, stat, lock
    }

    public let operation: Operation
    public let path: String
    public let errno: Int32

    public init(_ operation: Operation, _ path: String, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// The failure as the last system call left it (`errno` read now).
    public static func last(_ operation: Operation, _ path: String) -> SystemError {
        SystemError(operation, path, errno: currentErrno)
    }

    private static var currentErrno: Int32 {
        #if canImport(Glibc)
        Glibc.errno
        #else
        Darwin.errno
        #endif
    }

    /// `EACCES`, `ENOSPC`…: the errno's symbolic name, for logs and searches.
    public var errnoName: String {
        Self.names[errno] ?? "errno \(errno)"
    }

    /// Whether the cause is that we may not do this (permissions), rather than that we
    /// cannot (resources, I/O).
    public var isPermission: Bool { errno == EACCES || errno == EPERM || errno == EROFS }

    public var description: String {
        "cannot \(operation.rawValue) \(path.loggable): \(String(cString: strerror(errno))) (\(errnoName))"
    }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", EIO: "EIO", EBADF: "EBADF", EACCES: "EACCES", EEXIST: "EEXIST",
        EXDEV: "EXDEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", ENFILE: "ENFILE",
        EMFILE: "EMFILE", EFBIG: "EFBIG", ENOSPC: "ENOSPC", EROFS: "EROFS", ENAMETOOLONG: "ENAMETOOLONG",
        ELOOP: "ELOOP", EDQUOT: "EDQUOT", ENOMEM: "ENOMEM", EBUSY: "EBUSY", ENOTEMPTY: "ENOTEMPTY", ENOBUFS: "ENOBUFS",
    ]
}

extension String {
    /// The text with control characters escaped (`\u{0A}`), so that a file name cannot
    /// break or forge a log line.
    package var loggable: String {
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
