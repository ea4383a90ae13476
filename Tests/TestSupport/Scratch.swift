import Foundation

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
