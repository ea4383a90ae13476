import FakeTRS
import Foundation
import Parsers
import Store
import TestSupport

/// Runs the built `ect-batch` executable.
enum Executable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The executable beside the test bundle (SwiftPM builds every product before testing).
    static var path: String {
        let candidates = [
            Bundle.main.bundleURL.appendingPathComponent("ect-batch").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("ect-batch").path,
            packageRoot + "/.build/debug/ect-batch",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    struct Result {
        let status: Int32
        let killedBySignal: Bool
        let stdout: String
        let stderr: String
    }

    /// Runs `ect-batch` with `arguments`; `prefix` is a command it runs under (`setpriv`,
    /// `prlimit`: see `Fault`).
    static func run(_ arguments: [String], environment: [String: String] = [:], prefix: [String] = []) throws -> Result {
        var environment = environment
        if postgres != nil, environment["ECT_BATCH_STORE"] == nil, let at = arguments.firstIndex(of: "--root"),
           at + 1 < arguments.count {
            environment["ECT_BATCH_STORE"] = try storeLocation(arguments[at + 1])
        }
        if ProcessInfo.processInfo.environment["ECT_E2E_TRS"] == "api", let throughAPI = try ThroughAPI(arguments) {
            defer { throughAPI.fake.stop() }
            return try launch(throughAPI.arguments, environment: environment.merging(throughAPI.environment) { old, _ in old },
                              prefix: prefix)
        }
        return try launch(arguments, environment: environment, prefix: prefix)
    }

    /// `ECT_E2E_TRS=api` runs the suite through TRS's API: a `run` or `validate` that would
    /// read an extract is given a fake TRS serving that extract instead.
    struct ThroughAPI {
        static let key = "through-api-key"
        let fake: FakeTRS
        let arguments: [String]
        let environment: [String: String]

        init?(_ arguments: [String]) throws {
            guard let command = arguments.first, ["run", "validate"].contains(command),
                  !arguments.contains("--trs-api") else { return nil }
            var rest = arguments
            var extract: String?
            if let at = rest.firstIndex(of: "--trs"), at + 1 < rest.count {
                extract = rest[at + 1]
                rest.removeSubrange(at...(at + 1))
            } else if let at = rest.firstIndex(of: "--root"), at + 1 < rest.count {
                let folder = rest[at + 1] + "/trs"
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                extract = names.filter { !$0.hasPrefix(".") }.sorted().last.map { folder + "/" + $0 }
            }
            guard let extract, let records = try? TRSExtractReader.read(path: extract).records else { return nil }
            fake = try FakeTRS(records: records, key: Self.key)
            self.arguments = rest + ["--trs-api", fake.url.absoluteString]
            environment = ["TRS_API_KEY": Self.key, "ECT_BATCH_TRS_RETRY": "3,10,50,5000"]
        }
    }

    private static func launch(_ arguments: [String], environment: [String: String], prefix: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: prefix.first ?? path)
        process.arguments = prefix.isEmpty ? arguments : Array(prefix.dropFirst()) + [path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let (stdout, stderr) = readBoth(out, err)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, killedBySignal: process.terminationReason == .uncaughtSignal,
                      stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh data root with the samples' inbox and TRS extract, and the reference data loaded.
    static func sampleRoot() throws -> String {
        let root = Scratch.path("ect-e2e")
        let fm = FileManager.default
        try fm.createDirectory(atPath: root + "/trs", withIntermediateDirectories: true)
        try fm.copyItem(atPath: packageRoot + "/samples/inbox", toPath: root + "/inbox")
        try fm.copyItem(atPath: packageRoot + "/samples/trs/trs-extract-2026-11-20.csv", toPath: root + "/trs/trs.csv")
        for case let relative as String in fm.enumerator(atPath: root + "/inbox")! {
            try fm.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: root + "/inbox/" + relative)
        }
        let reference = packageRoot + "/samples/reference"
        let loaded = try run(["load-reference", "--root", root, "--schools", reference + "/schools.csv",
                              "--trusts", reference + "/trusts.csv", "--appropriate-bodies", reference + "/appropriate-bodies.csv",
                              "--lead-providers", reference + "/lead-providers.csv",
                              "--local-authorities", reference + "/local-authorities.csv"])
        precondition(loaded.status == 0, loaded.stderr)
        return root
    }

    /// The PostgreSQL server the suite's stores live on, if any (see `TestStore`).
    static var postgres: String? { TestStore.postgres }

    static func storeLocation(_ root: String) throws -> String { try TestStore.location(for: root) }

    static func copyStore(from root: String, to copy: String) throws { try TestStore.copy(from: root, to: copy) }

    /// The store of the data root at `root`, opened.
    static func store(_ root: String) throws -> Store { try Store(location: storeLocation(root)) }

    /// Every file under `folder` (relative path to bytes), hidden ones included.
    static func files(under folder: String) -> [String: Data] { Folder.files(under: folder) }

    /// The store's rows that do not depend on when things ran.
    ///
    /// Surrogate keys are shown by rank, not value: PostgreSQL's identity sequences are
    /// not rolled back with a transaction, so a run killed mid-file leaves gaps that an
    /// uninterrupted run does not; what the rows say, and which row refers to which, is
    /// compared exactly.
    static func storeDump(_ root: String) throws -> String {
        try store(root).read { try $0.canonicalDump() }.joined(separator: "\n")
    }
}
