#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Domain
import Reports

/// One run at a time per data root, by an exclusive `flock` on `ect-batch.lock`.
///
/// The kernel drops the lock when its holder exits, however it exits: a lock left by a
/// killed run is never stale.
public final class RunLock {
    private let descriptor: Int32

    /// Takes the lock, or throws `RunError.lockHeld` at once when another run holds it.
    public init(path: String) throws(RunError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw .system(.last(.lock, path)) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var holder = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &holder, holder.count)
            close(fd)
            let pid = count > 0 ? String(decoding: holder[..<count], as: UTF8.self).trimmingCharacters() : "another process"
            throw .lockHeld(path: path, holder: pid)
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(self.filter { !$0.isWhitespace })
    }
}
