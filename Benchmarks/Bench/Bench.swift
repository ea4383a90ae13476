import ArgumentParser
import Domain
import FakeTRS
import Foundation
import Logging
import Parsers
import Pipeline
import Store
import TRS
import WorldGenerator

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ect-bench",
        abstract: "Generate a seeded appropriate-body inbox and time `ect-batch run` on it.",
        discussion: "Build in release mode: swift run -c release ect-bench --rows 100000")

    @Option(help: "Rows in the whole inbox.") var rows = 100_000
    @Option(help: "Number of files the rows are spread over (claims shape only).") var files = 1
    @Option(help: "The generator's seed.") var seed: UInt64 = 42
    @Option(help: ArgumentHelp("What the inbox holds: claims (appropriate bodies' claims files), trust (one trust's registrations file) or realistic (a night's mix: ~12-row school files, trust and appropriate-body files, all five kinds, CSV/JSON/NDJSON/XML).", valueName: "shape"))
    var shape: Generator.Shape = .claims
    @Option(help: ArgumentHelp("Where to build the data root (default: a new temporary folder).", valueName: "dir"))
    var root: String?
    @Flag(name: .customLong("generate-only"), help: "Write the data root (with reference data loaded) and stop, to profile or compare runs on it.")
    var generateOnly = false
    @Flag(name: .customLong("run-only"), help: "Do not generate: time the run on the data root --root names (a copy of one --generate-only wrote).")
    var runOnly = false
    @Option(help: ArgumentHelp("Instead of timing: kill `ect-batch run` (built beside ect-bench) at random moments this many times over, each trial one to three kills then a run to the end, and compare each ending with an uninterrupted run's outbox, archive and store.", valueName: "trials"))
    var soak: Int?
    @Option(help: ArgumentHelp("Run on this PostgreSQL database (postgresql://USER@HOST:PORT/DB, empty or made by an earlier --store run of the same root) instead of <root>/ect.sqlite; the generated reference data is loaded into it first.", valueName: "url"))
    var store: String?
    @Option(help: ArgumentHelp("Instead of a run: time the store-write floor for --rows claims rows — the rows the store keeps for them written by the database alone (sqlite: generated in SQL into a new <root>/floor.sqlite; postgres: COPY into the empty database --store names), TRNs ascending and scattered.", valueName: "database"))
    var floor: String?
    @Flag(name: .customLong("trs-api"), help: "Ask TRS's API instead of reading the extract: a fake TRS on loopback, in this process, serving the generated extract (its work and memory count in the figures).")
    var trsAPI = false

    func run() throws {
        if let floor {
            try measureFloor(floor)
            return
        }
        if runOnly && root == nil { throw ValidationError("--run-only needs --root.") }
        if generateOnly && root == nil { throw ValidationError("--generate-only needs --root: where to keep the data root.") }
        let path = root ?? FileManager.default.temporaryDirectory.appendingPathComponent("ect-bench-\(UUID().uuidString)").path
        // A root of its own choosing is removed afterwards; one named by --root is kept.
        defer { if root == nil { try? FileManager.default.removeItem(atPath: path) } }
        let dataRoot = DataRoot(path: path, store: store)
        let generator = Generator(seed: seed, rows: rows, files: files, shape: shape)
        if !runOnly {
            try generate(generator, root: path)
            if generateOnly { return }
        }
        if let soak {
            var trial = Soak(root: path, asOf: generator.asOf.iso, trials: soak, random: SplitMix64(seed: seed), postgres: store)
            let outcome = try trial.run()
            print("soak: \(outcome.trials) trials, \(outcome.kills) kills (\(outcome.killsMidRun) while the run was at work), \(outcome.mismatches.count) mismatches")
            for mismatch in outcome.mismatches.prefix(10) { print("  " + mismatch) }
            if !outcome.mismatches.isEmpty { throw ExitCode(1) }
            return
        }

        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        if let store {
            let reference = try Generator.reference(root: path)
            try Store(location: store).write { try $0.upsert(reference) }
        }
        var options = BatchRun.Options(root: dataRoot, asOf: generator.asOf, runID: "bench")
        var fake: FakeTRS?
        if trsAPI {
            let extract = try FileManager.default.contentsOfDirectory(atPath: dataRoot.trs).sorted().last.map { dataRoot.trs + "/" + $0 }
            let served = try FakeTRS(records: TRSExtractReader.read(path: extract ?? "").records, key: "bench-key")
            options.trsAPI = try TRSClient(baseURL: served.url, key: "bench-key")
            fake = served
        }
        let timed = Clock.now
        let summary = try BatchRun(options: options, logger: logger).run()
        let seconds = Clock.since(timed)
        let total = summary.accepted + summary.rejected
        print("run: \(summary.files.count) files, \(total) rows (\(summary.accepted) accepted, \(summary.rejected) rejected)")
        print(String(format: "time: %.2f s, %.0f rows/s, peak RSS %.0f MiB", seconds, Double(total) / seconds, Clock.peakResidentMiB()))
        print("stages: " + StageTimings.Stage.allCases.map { stage in
            String(format: "%@ %.2f s", stage.rawValue, summary.timings.seconds(stage))
        }.joined(separator: ", "))
        print("(the TRS load, hashing and scanning run on a second thread beside the rest: stages add up to more than the time)")
        if let fake {
            let asked = summary.trsRequests
            let served = fake.counts
            print("TRS API: \(asked.requests) requests for \(total) rows (one per \(asked.requests > 0 ? total / asked.requests : 0) rows): \(asked.findRequests) find (\(served.pairs) pairs, at most \(served.largestFind) a request) and \(asked.personRequests) second looks; \(asked.retries) retried; \(String(format: "%.2f", Double(asked.waitingNanoseconds) / 1e9)) s waiting on TRS (summed over 4 connections)")
            fake.stop()
        }
    }

    /// `--floor`: the rows the store keeps for `rows` claims, written by the database alone.
    func measureFloor(_ database: String) throws {
        for shuffled in [false, true] {
            let location: String
            switch database {
            case "sqlite":
                location = FileManager.default.temporaryDirectory.path + "/ect-floor-\(UUID().uuidString).sqlite"
            case "postgres":
                guard let store else { throw ValidationError("--floor postgres needs --store URL (an empty database).") }
                location = store
            default:
                throw ValidationError("--floor takes sqlite or postgres.")
            }
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: location + suffix) } }
            let costs = try StoreFloor.measureTables(location: location, rows: rows, shuffled: shuffled)
            let seconds = costs.reduce(0) { $0 + $1.seconds }
            print(String(format: "floor %@, %@ TRNs: %d claims' rows (5 per claim) in %.2f s, %.0f claims/s, peak RSS %.0f MiB",
                         database, shuffled ? "scattered" : "ascending", rows, seconds, Double(rows) / seconds, Clock.peakResidentMiB()))
            print("  by table: " + costs.map { String(format: "%@ %.2f s", $0.table, $0.seconds) }.joined(separator: ", "))
            if database == "postgres" {
                // The same database again: empty it for the second pass.
                try Store(location: location).write { tx in
                    _ = try tx.rows("TRUNCATE row_verdicts, events, trs_outbox, induction_periods, teachers, submissions, appropriate_bodies RESTART IDENTITY CASCADE")
                }
            }
        }
    }

    /// Writes the data root and loads its reference data into a new store.
    func generate(_ generator: Generator, root path: String) throws {
        var generator = generator
        try? FileManager.default.removeItem(atPath: path)
        let generated = Clock.now
        let written = try generator.write(root: path)
        print("generated \(rows) rows in \(written) files under \(path) in \(Clock.since(generated)) s")
        let store = try Store(path: DataRoot(path: path).store)
        let reference = try Generator.reference(root: path)
        try store.write { try $0.upsert(reference) }
    }
}

extension Generator.Shape: ExpressibleByArgument {}

enum Clock {
    static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    static func since(_ start: Double) -> Double { (now - start * 1).rounded(toPlaces: 3) }

    /// VmHWM from /proc/self/status: the process's peak resident memory.
    static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib / 1024
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        let scale = pow(10, Double(places))
        return (self * scale).rounded() / scale
    }
}
