#if canImport(Glibc)
import Glibc
#endif
import Foundation
import TestSupport

/// Causing real faults for the executable: another user's permissions, resource limits,
/// a small file system.
enum Fault {
    /// The unprivileged user the faulty runs are made as (root ignores permissions).
    static let nobody: uid_t = 65534

    /// Whether this process is root: then runs that must meet permissions are made as
    /// `nobody` through `setpriv`, and the data root is handed to that user.
    static var isRoot: Bool { getuid() == 0 }

    /// The command prefix that runs `ect-batch` as the unprivileged user (none when the
    /// tests already run as one).
    static var unprivileged: [String] {
        isRoot ? ["/usr/bin/setpriv", "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--"] : []
    }

    /// The command prefix that runs `ect-batch` with resource limits (`prlimit` options,
    /// e.g. `--nofile=16`).
    static func limited(_ limits: String...) -> [String] {
        ["/usr/bin/prlimit"] + limits + ["--"]
    }

    /// Gives everything under `root` to the unprivileged user, when there is one to give to.
    static func handOver(_ root: String) throws {
        guard isRoot else { return }
        try shell("chown", "-R", "\(nobody):\(nobody)", root)
    }

    static func chmod(_ path: String, _ mode: mode_t) {
        precondition(Glibc.chmod(path, mode) == 0, "chmod \(path)")
    }

    /// Runs a command, which must succeed.
    @discardableResult
    static func shell(_ arguments: String...) throws -> String {
        let (status, output) = try Command.run("/usr/bin/env", arguments)
        guard status == 0 else {
            throw NSError(domain: "Fault", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "\(arguments): \(output)"])
        }
        return output
    }

    /// Mounts a `size` tmpfs at `folder`; `nil` when this machine does not let the tests
    /// mount (not root, or no mount in this container): the caller skips, saying why.
    static func smallFileSystem(at folder: String, size: String) -> String? {
        guard isRoot else { return "mounting a small file system needs root" }
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do {
            try shell("mount", "-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", folder)
            return nil
        } catch {
            return "mount failed: \(error.localizedDescription)"
        }
    }

    static func unmount(_ folder: String) {
        _ = try? shell("umount", "-l", folder)
    }

    /// A PostgreSQL cluster of a test's own (`scripts/postgres-up.sh` on another port, in
    /// `data`), to stop and start under a run while the suite's server keeps serving the
    /// other tests; its `postgres` database's URL.
    static func privatePostgres(data: String) throws -> (url: String, port: Int) {
        var attempt = 0
        while true {
            // A port free now (a fixed one may be a client socket's: they come from the same range).
            let port = freePort()
            do {
                let url = try shell(Executable.packageRoot + "/scripts/postgres-up.sh", String(port), data)
                return (url.split(separator: "\n").last.map(String.init) ?? "", port)
            } catch {
                attempt += 1
                try? FileManager.default.removeItem(atPath: data)
                if attempt == 3 { throw error }
            }
        }
    }

    /// A TCP port on 127.0.0.1 that no socket holds at this moment.
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// `pg_ctl stop -m fast` (sessions ended, as a server shutting down does) or `start`
    /// of the cluster in `data`, as its owner.
    static func postgres(_ action: String, data: String, port: Int) throws {
        let bin = try shell("sh", "-c", "ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var arguments = ["runuser", "-u", "postgres", "--", bin + "/pg_ctl", "-D", data, "-w", "-l", data + "/server.log"]
        if action == "stop" { arguments += ["-m", "fast"] }
        if action == "start" {
            arguments += ["-o", "-c listen_addresses=127.0.0.1 -p \(port) -k \(data) -c fsync=off"]
        }
        // Through bash, closing every descriptor but the standard three first: a server
        // that kept this process's (Foundation's pipe to its child) would hang the test.
        let closing = "for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ \"$n\" -gt 2 ]; then eval \"exec $n>&-\" 2>/dev/null; fi; done; exec \"$@\""
        let (status, output) = try Command.run("/bin/bash", ["-c", closing, "bash"] + arguments + [action])
        guard status == 0 else {
            throw NSError(domain: "Fault", code: Int(status), userInfo: [NSLocalizedDescriptionKey: "pg_ctl \(action): \(output)"])
        }
    }
}
