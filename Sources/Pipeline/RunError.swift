#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import TRS

/// Why a run could not do (all of) its job: operational failures, ours and never a
/// submitter's. Each has its exit code, chosen here and nowhere else.
public enum RunError: Error, CustomStringConvertible {
    /// Another run holds the lock.
    case lockHeld(path: String, holder: String)
    /// Configuration is missing or wrong (no reference data, no TRS extract).
    case configuration(String)
    /// The store could not be opened, read or written.
    case store(String)
    /// A system call on a file or folder failed (permissions, resources, I/O).
    case system(SystemError)
    /// TRS's API could not be used (RULES.md §2 `trs.unavailable`).
    case trs(TRSError)

    public var description: String {
        switch self {
        case .lockHeld(let path, let holder):
            "another run (process \(holder)) holds the lock \(path); try again when it has finished"
        case .configuration(let message): message
        case .store(let message): "the store failed: \(message)"
        case .system(let error): error.description
        case .trs(let error): "\(error) (trs.unavailable: the files that need TRS wait in the inbox for the next run)"
        }
    }

    /// The process exit code (sysexits.h).
    public var exitCode: Int32 {
        switch self {
        case .lockHeld: 75        // EX_TEMPFAIL
        case .configuration: 78   // EX_CONFIG
        case .store: 74           // EX_IOERR
        case .system(let error): Self.exitCode(for: error)
        case .trs(.local(let error)): Self.exitCode(for: error)
        case .trs(.unavailable): 69  // EX_UNAVAILABLE
        case .trs(.refused): 78      // EX_CONFIG: the key
        case .trs(.unexpected): 76   // EX_PROTOCOL
        }
    }

    /// 77 when we may not (permissions); 73 when the machine has no room for the run's
    /// files (a full disk or quota, too many open files, a file size limit, no memory) or
    /// an output cannot be created or written; 74 for an I/O error; 66 when an input or
    /// folder cannot be opened or read for another reason (it is missing).
    static func exitCode(for error: SystemError) -> Int32 {
        switch error.errno {
        case EACCES, EPERM: return 77                                  // EX_NOPERM
        case ENOSPC, EDQUOT, EMFILE, ENFILE, EFBIG, ENOMEM: return 73  // EX_CANTCREAT
        case EIO: return 74                                            // EX_IOERR
        default: break
        }
        switch error.operation {
        case .open, .read, .list, .stat: return 66                     // EX_NOINPUT
        case .write, .create, .rename, .mkdir, .sync, .unlink, .lock: return 73  // EX_CANTCREAT
        }
    }
}

/// An operational failure met while dealing with one file or one submitter's folder.
public struct RunFault: Sendable, CustomStringConvertible {
    /// The submitter whose files wait for the next run; `nil` when the fault stopped the run.
    public let submitter: Submitter?
    /// The inbox file it happened on, if any.
    public let file: String?
    public let error: RunError

    public var description: String {
        let subject = file.map { " (\($0.loggable))" } ?? ""
        return "\(error)\(subject)"
    }

    init(submitter: Submitter?, file: String?, error: RunError) {
        self.submitter = submitter
        self.file = file
        self.error = error
    }
}
