#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Reports

/// Where tests put their files: one folder for the test process, removed when it exits,
/// so that running the suite leaves nothing behind in the system's temporary folder.
public enum Scratch {
    public static let root: String = {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ect-tests-\(ProcessInfo.processInfo.processIdentifier)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Scratch.root) }
        return path
    }()

    /// A new path under `root`, `<prefix>-<UUID>`; nothing is created there.
    public static func path(_ prefix: String) -> String {
        root + "/" + prefix + "-" + UUID().uuidString
    }
}

/// Runs a program to its end, for tests.
public enum Command {
    /// Runs `executable` with `arguments` (and `environment`, when given, instead of this
    /// process's); its exit status and what it printed on stdout and stderr together.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readAll()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// What a folder holds.
public enum Folder {
    /// What an archive folder holds: each entry of each tar bundle under it as
    /// `<day>/<entry>` (the bundle's folder and the entry's name), each other file as its
    /// relative path. An entry found a second time (archived twice) is
    /// `<day>/<entry> (again)`, and a bundle that does not end right after its entries with
    /// tar's two zero blocks adds `<bundle> (tail)` with what follows them, so that a
    /// comparison with a run that archived each file once, and closed its bundle, fails.
    public static func archived(under folder: String) -> [String: Data] {
        var copies: [String: Data] = [:]
        for (relative, data) in files(under: folder) {
            guard relative.hasSuffix(".tar") else {
                copies[relative] = data
                continue
            }
            let day = relative.split(separator: "/").dropLast().joined(separator: "/")
            let path = folder + "/" + relative
            let members = (try? TarReader.members(path: path)) ?? []
            for member in members {
                var key = day + "/" + member.name
                while copies[key] != nil { key += " (again)" }
                copies[key] = Data((try? TarReader.data(path: path, of: member)) ?? [])
            }
            let end = Int(members.last.map { $0.offset + $0.length } ?? 0)
            let tail = data.dropFirst(end)
            if tail.count != 1024 || tail.contains(where: { $0 != 0 }) { copies[relative + " (tail)"] = Data(tail) }
        }
        return copies
    }

    /// Every file under `folder`, hidden ones included: relative path to bytes.
    public static func files(under folder: String) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [:] }
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = FileManager.default.contents(atPath: folder + "/" + relative)
            }
        }
        return files
    }
}

extension FileHandle {
    /// Everything until the end of the file, by read(2), a read interrupted by a signal
    /// (a child's SIGCHLD) tried again: Foundation's `readDataToEndOfFile()` traps on EINTR.
    public func readAll() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return data
            }
        }
    }
}

/// Reads a child's stdout and stderr pipes at once, so that neither fills while the
/// other is read.
public func readBoth(_ out: Pipe, _ err: Pipe) -> (stdout: Data, stderr: Data) {
    nonisolated(unsafe) var stderr = Data()
    let done = DispatchSemaphore(value: 0)
    Thread {
        stderr = err.fileHandleForReading.readAll()
        done.signal()
    }.start()
    let stdout = out.fileHandleForReading.readAll()
    done.wait()
    return (stdout, stderr)
}
