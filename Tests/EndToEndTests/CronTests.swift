import Foundation
import Testing
import TestSupport

/// The nightly wrapper cron calls.
@Suite("The cron wrapper")
struct CronTests {
    static let wrapper = Executable.packageRoot + "/cron/ect-batch-nightly"

    func runWrapper(_ environment: [String: String]) throws -> (status: Int32, stdout: String) {
        let result = try Command.run("/bin/bash", [Self.wrapper], environment: try Self.environment(environment))
        return (result.status, result.output)
    }

    /// The wrapper's environment: `settings` over a bare PATH and no config file (and, when
    /// the suite runs on PostgreSQL, the root's database).
    static func environment(_ settings: [String: String]) throws -> [String: String] {
        var environment = ["PATH": "/usr/bin:/bin", "ECT_BATCH_CONFIG": "/nonexistent", "ECT_BATCH_BIN": Executable.path]
        if Executable.postgres != nil, let root = settings["ECT_BATCH_ROOT"] {
            environment["ECT_BATCH_STORE"] = try Executable.storeLocation(root)
        }
        return environment.merging(settings) { $1 }
    }

    @Test("a good night prints nothing, logs to a dated file and prunes old files")
    func goodNight() throws {
        let root = try Executable.sampleRoot()
        let old = root + "/archive/2020-01-01/appropriate-bodies/AB001/old.csv"
        // Quarantined files hold personal data as uploaded: they age out like the archive.
        let quarantined = root + "/quarantine/appropriate-bodies/AB001/old-refused.csv"
        for path in [old, quarantined] {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -200 * 86_400)], ofItemAtPath: path)
        }
        let result = try runWrapper(["ECT_BATCH_ROOT": root, "ECT_BATCH_SETTLE": "0", "ECT_BATCH_RETAIN_DAYS": "90"])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty, "cron would mail: \(result.stdout)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: root + "/logs")
        #expect(logs.count == 1 && logs[0].hasPrefix("ect-batch-") && logs[0].hasSuffix(".log"))
        let log = try String(contentsOfFile: root + "/logs/" + logs[0], encoding: .utf8)
        #expect(log.contains("20 files (16 processed, 3 refused, 1 quarantined, 0 re-issued); 52 rows accepted, 89 rejected"))
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(!FileManager.default.fileExists(atPath: quarantined))
        #expect(FileManager.default.fileExists(atPath: root + "/quarantine/appropriate-bodies/AB003/02-broken.csv"), "tonight's stays")
        #expect(!FileManager.default.fileExists(atPath: root + "/archive/2020-01-01"))
        #expect(FileManager.default.fileExists(atPath: root + "/outbox/appropriate-bodies/AB001/01-claims.results.csv"))
    }

    @Test("an operational failure exits with its code and prints why, so cron mails it")
    func badNight() throws {
        let root = Scratch.path("ect-cron")
        let result = try runWrapper(["ECT_BATCH_ROOT": root])
        #expect(result.status == 78)
        #expect(result.stdout.contains("exit code 78") && result.stdout.contains("load-reference"))
    }

    @Test("a bad setting is refused before anything runs")
    func badSetting() throws {
        let result = try runWrapper(["ECT_BATCH_ROOT": "/tmp/x", "ECT_BATCH_RETAIN_DAYS": "ninety"])
        #expect(result.status == 78 && result.stdout.contains("ECT_BATCH_RETAIN_DAYS"))
    }
}
