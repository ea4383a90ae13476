import Domain

/// Where a writer's bytes go: a file renamed into place when complete (`AtomicFile`), or
/// an entry of the run's archive bundle (`TarBundle.Entry`). Writes are buffered; every
/// failure is a `SystemError` naming the path.
public protocol ByteOutput: AnyObject {
    func write(_ text: String) throws(SystemError)
    func write(bytes: [UInt8]) throws(SystemError)
    /// Lets `body` append bytes to the output's buffer directly.
    func write(_ body: (inout [UInt8]) -> Void) throws(SystemError)
    /// Writes what is buffered (no sync).
    func flush() throws(SystemError)
    /// Completes the output and puts it where readers find it.
    func commit() throws(SystemError)
    /// Drops everything written.
    func discard()
}
