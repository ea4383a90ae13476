#if canImport(Glibc)
import Glibc
#endif
import Foundation
import WorldGenerator
import Pipeline
import Store
import TestSupport

/// The random-kill soak: `ect-batch run` killed (SIGKILL) at random moments of a
/// realistic night, once or several times, then run to the end; each trial must end with
/// the outbox, archive and store of a run never killed.
struct Soak {
    let root: String
    let asOf: String
    let trials: Int
    var random: SplitMix64
    /// A PostgreSQL database's URL: the runs' stores are then databases made from it
    /// (it is filled with the root's reference data first); `nil`: SQLite, in each root.
    var postgres: String?

    /// `ect-batch`, built beside this program.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("ect-batch").path
    }

    struct Outcome {
        var trials = 0
        var kills = 0
        /// Kills that landed while the run was still at work (not after it had ended).
        var killsMidRun = 0
        var mismatches: [String] = []
    }

    mutating func run() throws -> Outcome {
        if let postgres {
            let reference = try Generator.reference(root: root)
            try Store(location: postgres).write { try $0.upsert(reference) }
        }
        let reference = root + "-reference"
        try copy(root, to: reference)
        let referenceStore = try store(for: "reference")
        let started = Clock.now
        let status = try Self.runBatch(reference, store: referenceStore, asOf: asOf, killAfter: nil).status
        guard status == 0 else { throw SoakError("the uninterrupted run exited \(status)") }
        let duration = Clock.since(started)
        let expected = try Snapshot(of: reference, store: referenceStore)
        print(String(format: "uninterrupted run: %.2f s", duration))
        var outcome = Outcome()
        for trial in 1...trials {
            let copyPath = root + "-trial"
            try copy(root, to: copyPath)
            let trialStore = try store(for: "trial")
            // One to three kills, each at a random moment of a run's length.
            let killCount = 1 + Int(random.next() % 3)
            for _ in 0..<killCount {
                let delay = duration * Double(random.next() % 1000) / 1000
                let result = try Self.runBatch(copyPath, store: trialStore, asOf: asOf, killAfter: delay)
                outcome.kills += 1
                if result.killed { outcome.killsMidRun += 1 }
            }
            let last = try Self.runBatch(copyPath, store: trialStore, asOf: asOf, killAfter: nil)
            let got = try Snapshot(of: copyPath, store: trialStore)
            if last.status != 0 {
                outcome.mismatches.append("trial \(trial): the run after the kills exited \(last.status)")
            } else if let difference = got.difference(from: expected) {
                outcome.mismatches.append("trial \(trial): \(difference)")
            }
            outcome.trials += 1
            if trial % 10 == 0 { print("\(trial) trials, \(outcome.kills) kills, \(outcome.mismatches.count) mismatches") }
            try? FileManager.default.removeItem(atPath: copyPath)
        }
        try? FileManager.default.removeItem(atPath: reference)
        return outcome
    }

    /// Runs `ect-batch run` on `root`; with `killAfter`, sends SIGKILL after that many
    /// seconds. `killed`: the signal ended it.
    static func runBatch(_ root: String, store: String, asOf: String, killAfter: Double?) throws -> (status: Int32, killed: Bool) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "--root", root, "--as-of", asOf, "--quiet"]
        process.environment = ProcessInfo.processInfo.environment.merging(["ECT_BATCH_STORE": store]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let killAfter {
            usleep(useconds_t(killAfter * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }

    /// The store of the copy `name` (`reference`, `trial`): SQLite's file came with the
    /// copy; a PostgreSQL database is made again from the one given.
    private func store(for name: String) throws -> String {
        guard let postgres else { return root + "-" + name + "/ect.sqlite" }
        let template = String(postgres.split(separator: "/").last!)
        return try TestStore.makeDatabase(template + "_" + name, on: postgres, template: template)
    }

    private func copy(_ from: String, to: String) throws {
        try? FileManager.default.removeItem(atPath: to)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/cp")
        process.arguments = ["-a", from, to]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SoakError("cannot copy \(from)") }
    }

    /// What a run leaves that must not depend on kills: outbox and archive bytes, the
    /// store's rows (without when things ran), an empty inbox.
    struct Snapshot {
        var outbox: [String: Data]
        /// Archive copies by day and entry (see `Folder.archived`).
        var archive: [String: Data]
        var inbox: [String]
        var store: [String]

        init(of root: String, store: String) throws {
            outbox = Self.files(under: root + "/outbox")
            archive = Folder.archived(under: root + "/archive")
            inbox = Array(Self.files(under: root + "/inbox").keys)
            self.store = try Store(location: store).read { try $0.canonicalDump() }
        }

        func difference(from expected: Snapshot) -> String? {
            if !inbox.isEmpty { return "\(inbox.count) files left in the inbox" }
            if outbox != expected.outbox {
                let keys = Set(outbox.keys).symmetricDifference(expected.outbox.keys)
                let changed = outbox.keys.filter { expected.outbox[$0] != nil && expected.outbox[$0] != outbox[$0] }
                return "outbox differs (names: \(keys.sorted().prefix(3)), bytes: \(changed.sorted().prefix(3)))"
            }
            if archive != expected.archive {
                return "archive differs (\(Set(archive.keys).symmetricDifference(expected.archive.keys).sorted().prefix(3)))"
            }
            if store != expected.store {
                let first = zip(store, expected.store).first { $0 != $1 }
                return "store differs (\(store.count) rows vs \(expected.store.count); first: \(first.map { "\($0.0) / \($0.1)" } ?? "a row more or less"))"
            }
            return nil
        }

        static func files(under folder: String) -> [String: Data] { Folder.files(under: folder) }
    }
}

struct SoakError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
