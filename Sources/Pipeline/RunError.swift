import Reports

/// Why a run could not do its job: operational failures, each with its exit code.
public enum RunError: Error, CustomStringConvertible {
    /// Another run holds the lock.
    case lockHeld(path: String, holder: String)
    /// Configuration is missing or wrong (no reference data, no TRS extract).
    case configuration(String)
    /// The store could not be opened or written.
    case store(String)
    /// An output could not be written (disk full, permissions).
    case output(OutputError)

    public var description: String {
        switch self {
        case .lockHeld(let path, let holder):
            "another run (process \(holder)) holds the lock \(path); try again when it has finished"
        case .configuration(let message): message
        case .store(let message): "the store failed: \(message)"
        case .output(let error): error.description
        }
    }

    /// The process exit code (sysexits.h).
    public var exitCode: Int32 {
        switch self {
        case .lockHeld: 75        // EX_TEMPFAIL
        case .configuration: 78   // EX_CONFIG
        case .store: 74           // EX_IOERR
        case .output: 73          // EX_CANTCREAT
        }
    }
}
