#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Store
import Synchronization
import Testing
import TestSupport

/// Failures of ours, caused for real: each leaves its files in the inbox untouched,
/// records and quarantines nothing of them, blames no submitter, exits with the code
/// that names the cause, and the run after the fault is removed ends where an
/// uninterrupted run ends.
@Suite("Faults of ours", .serialized)
struct FaultTests {
    static let asOf = ["--as-of", "2026-11-20"]

    /// A sample root, changed by `prepare`, with a copy of it run without any fault: what
    /// the faulty root must end as.
    struct World {
        let root: String
        let reference: (outbox: [String: Data], archive: [String: Data], store: String)
        let inbox: [String: Data]

        init(_ prepare: (String) throws -> Void = { _ in }) throws {
            root = try Executable.sampleRoot()
            try prepare(root)
            let copy = Scratch.path("ect-fault-reference")
            try Fault.shell("cp", "-a", root, copy)
            try Executable.copyStore(from: root, to: copy)
            let result = try Executable.run(["run", "--root", copy] + FaultTests.asOf)
            precondition(result.status == 0, result.stderr)
            reference = (Executable.files(under: copy + "/outbox"), Folder.archived(under: copy + "/archive"),
                         try Executable.storeDump(copy))
            inbox = Executable.files(under: root + "/inbox")
        }

        func run(prefix: [String] = [], environment: [String: String] = [:]) throws -> Executable.Result {
            try Executable.run(["run", "--root", root] + FaultTests.asOf, environment: environment, prefix: prefix)
        }

        /// The inbox files of `folders` (e.g. `appropriate-bodies/AB002`) are where they
        /// were, byte for byte; the store, quarantine and outbox hold nothing of them.
        func expectUntouched(_ folders: [String], _ result: Executable.Result, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let now = Executable.files(under: root + "/inbox")
            for (path, bytes) in inbox where folders.contains(where: { path.hasPrefix($0 + "/") }) {
                #expect(now[path] == bytes, "\(path) is not in the inbox as it was", sourceLocation: sourceLocation)
            }
            let dump = try Executable.storeDump(root)
            for folder in folders {
                let key = folder.replacingOccurrences(of: "/", with: "|") + "|"
                #expect(!dump.split(separator: "\n").contains { $0.hasPrefix(key) }, "the store records a file of \(folder)",
                        sourceLocation: sourceLocation)
                for output in ["/quarantine/", "/outbox/"] {
                    #expect(Executable.files(under: root + output + folder).isEmpty, "\(output)\(folder) holds a file",
                            sourceLocation: sourceLocation)
                }
            }
            for folder in folders {
                let name = folder.replacingOccurrences(of: "/", with: ":") + "/"
                let blamed = result.stderr.split(separator: "\n").filter { $0.contains(name) && ($0.contains("refused") || $0.contains("quarantined")) }
                #expect(blamed.isEmpty, "a file of \(folder) was blamed: \(blamed)", sourceLocation: sourceLocation)
            }
        }

        /// Each file still in the inbox is there as it was, and nothing of it is in the
        /// store, the outbox or quarantine.
        func expectWaitingUntouched(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let dump = try Executable.storeDump(root).split(separator: "\n")
            let outbox = Executable.files(under: root + "/outbox").keys, quarantine = Executable.files(under: root + "/quarantine").keys
            for (path, bytes) in Executable.files(under: root + "/inbox") {
                #expect(inbox[path] == bytes, "\(path) changed", sourceLocation: sourceLocation)
                let key = path.replacingOccurrences(of: "/", with: "|") + "|"
                #expect(!dump.contains { $0.hasPrefix(key) }, "the store records \(path)", sourceLocation: sourceLocation)
                #expect(!quarantine.contains(path), "\(path) is also in quarantine", sourceLocation: sourceLocation)
                let stem = (path as NSString).deletingPathExtension + ".results."
                #expect(!outbox.contains { $0.hasPrefix(stem) }, "\(path) has a result", sourceLocation: sourceLocation)
            }
        }

        /// Outbox, archive and store as the uninterrupted run left them; `exactStore`
        /// false compares the store's submissions, not its row ids (files of other
        /// submitters ran first).
        func expectSameAsUninterrupted(exactStore: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(Executable.files(under: root + "/inbox").isEmpty, sourceLocation: sourceLocation)
            #expect(Executable.files(under: root + "/outbox") == reference.outbox, sourceLocation: sourceLocation)
            #expect(Folder.archived(under: root + "/archive") == reference.archive, sourceLocation: sourceLocation)
            let dump = try Executable.storeDump(root)
            if exactStore {
                #expect(dump == reference.store, sourceLocation: sourceLocation)
            } else {
                func submissions(_ dump: String) -> [Substring] {
                    dump.split(separator: "\n").filter { $0.hasPrefix("schools|") || $0.hasPrefix("trusts|") || $0.hasPrefix("appropriate-bodies|") }.sorted()
                }
                #expect(submissions(dump) == submissions(reference.store), sourceLocation: sourceLocation)
                #expect(dump.split(separator: "\n").count == reference.store.split(separator: "\n").count, sourceLocation: sourceLocation)
            }
            #expect(Executable.files(under: root + "/tmp/inputs").isEmpty, sourceLocation: sourceLocation)
        }
    }

    @Test("an input the batch user may not read: exit 77, its submitter's files wait, the others go ahead")
    func unreadableFile() throws {
        let world = try World()
        try Fault.handOver(world.root)
        let file = world.root + "/inbox/appropriate-bodies/AB002/01-claims.csv"
        Fault.chmod(file, 0)
        let result = try world.run(prefix: Fault.unprivileged)
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains(file) && result.stderr.contains("EACCES"))
        Fault.chmod(file, 0o644)
        try world.expectUntouched(["appropriate-bodies/AB002"], result)
        #expect(!Executable.files(under: world.root + "/outbox/appropriate-bodies/AB001").isEmpty, "AB001 went ahead")
        #expect(!result.stderr.contains("file.unreadable"))

        let rerun = try world.run(prefix: Fault.unprivileged)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted(exactStore: false)
    }

    @Test("an inbox folder the batch user cannot list, or cannot take files out of: exit 77, its files wait", arguments: [0o000, 0o555])
    func lockedFolder(_ mode: Int) throws {
        let world = try World()
        try Fault.handOver(world.root)
        let folder = world.root + "/inbox/appropriate-bodies/AB002"
        Fault.chmod(folder, mode_t(mode))
        let result = try world.run(prefix: Fault.unprivileged)
        Fault.chmod(folder, 0o755)
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains("EACCES"))
        try world.expectUntouched(["appropriate-bodies/AB002"], result)
        let rerun = try world.run(prefix: Fault.unprivileged)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted(exactStore: false)
    }

    @Test("an archive folder the batch user cannot write: exit 77, the run stops, every file not done waits untouched")
    func lockedArchive() throws {
        let world = try World()
        try FileManager.default.createDirectory(atPath: world.root + "/archive/2026-11-20", withIntermediateDirectories: true)
        try Fault.handOver(world.root)
        Fault.chmod(world.root + "/archive/2026-11-20", 0o555)
        let result = try world.run(prefix: Fault.unprivileged)
        Fault.chmod(world.root + "/archive/2026-11-20", 0o755)
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains(world.root + "/archive/2026-11-20/") && result.stderr.contains("EACCES"))
        #expect(!Executable.files(under: world.root + "/inbox").isEmpty)
        try world.expectWaitingUntouched()
        #expect(Folder.archived(under: world.root + "/archive").isEmpty)
        let rerun = try world.run(prefix: Fault.unprivileged)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted(exactStore: false)
    }

    @Test("too many open files: exit 73, the run stops, every file not done waits untouched")
    func openFileLimit() throws {
        let world = try World()
        let result = try world.run(prefix: Fault.limited("--nofile=10"))
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("EMFILE"))
        #expect(!Executable.files(under: world.root + "/inbox").isEmpty)
        try world.expectWaitingUntouched()
        let rerun = try world.run()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted()
    }

    /// A school file whose result is about 3 MB, processed first.
    static func bigSchoolFile(_ root: String) throws {
        var text = "TRN,Date of birth,Email,School start date,Note\n"
        let note = String(repeating: "n", count: 200)
        for index in 0..<10_000 { text += "\(1_000_000 + index),not-a-date,x,2026-09-01,\(note)\n" }
        let path = root + "/inbox/schools/100006/00-big.csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: path)
    }

    /// The same rows as XML, which a run converts to a temporary file before reading.
    static func bigSchoolXML(_ root: String) throws {
        var text = "<submission kind=\"registrations\">"
        let note = String(repeating: "n", count: 200)
        for index in 0..<10_000 {
            text += "<record><trn>\(1_000_000 + index)</trn><date_of_birth>x</date_of_birth><email>x</email><school_start_date>2026-09-01</school_start_date><note>\(note)</note></record>\n"
        }
        let path = root + "/inbox/schools/100006/00-big.xml"
        try Data((text + "</submission>\n").utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: path)
    }

    @Test("a file size limit: exit 73 (EFBIG, not a crash), nothing of the file recorded; CSV, and XML (its conversion)",
          arguments: [false, true])
    func fileSizeLimit(_ xml: Bool) throws {
        let world = try World(xml ? Self.bigSchoolXML : Self.bigSchoolFile)
        let result = try world.run(prefix: Fault.limited("--fsize=1500000"))
        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains("EFBIG"))
        try world.expectUntouched(["schools/100006"], result)
        let rerun = try world.run()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted()
    }

    @Test("a full disk: exit 73 (ENOSPC), nothing of the file recorded, the rerun with room ends as usual")
    func fullDisk() throws {
        let mount = Scratch.path("ect-small-fs")
        if let reason = Fault.smallFileSystem(at: mount, size: "6m") {
            print("skipped: full-disk test: \(reason)")
            return
        }
        defer { Fault.unmount(mount) }
        let world = try World(Self.bigSchoolFile)
        try Fault.shell("cp", "-a", world.root, mount + "/root")
        try Executable.copyStore(from: world.root, to: mount + "/root")
        let root = mount + "/root"
        let faulty = try Executable.run(["run", "--root", root] + Self.asOf)
        #expect(faulty.status == 73, "\(faulty.stderr)")
        #expect(faulty.stderr.contains("ENOSPC"))
        #expect(Executable.files(under: root + "/inbox") == world.inbox)
        try Fault.shell("mount", "-o", "remount,size=64m", mount)
        let rerun = try Executable.run(["run", "--root", root] + Self.asOf)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(Executable.files(under: root + "/outbox") == world.reference.outbox)
        #expect(Folder.archived(under: root + "/archive") == world.reference.archive)
        #expect(try Executable.storeDump(root) == world.reference.store)
    }

    @Test("PostgreSQL: another session holding the runs' advisory lock: exit 75, nothing moved",
          .enabled(if: Executable.postgres != nil, "the suite runs on SQLite"))
    func advisoryLock() throws {
        let world = try World()
        let holder = try Executable.store(world.root)
        #expect(try holder.takeRunLock())
        let result = try world.run()
        #expect(result.status == 75, "\(result.stderr)")
        #expect(result.stderr.contains("another session of this database"))
        #expect(Executable.files(under: world.root + "/inbox") == world.inbox)
        withExtendedLifetime(holder) {}
    }

    @Test("PostgreSQL: a server that does not answer: exit 74, nothing moved",
          .enabled(if: Executable.postgres != nil, "the suite runs on SQLite"))
    func serverDown() throws {
        let world = try World()
        let result = try Executable.run(["run", "--root", world.root] + Self.asOf,
                                        environment: ["ECT_BATCH_STORE": "postgresql://postgres@127.0.0.1:1/none"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("cannot connect"))
        #expect(Executable.files(under: world.root + "/inbox") == world.inbox)
        #expect(Executable.files(under: world.root + "/tmp/inputs").isEmpty)
    }

    @Test("PostgreSQL: the server stopped in the middle of a file: exit 74, the file waits untouched, the rerun ends as an uninterrupted run",
          .enabled(if: Executable.postgres != nil, "the suite runs on SQLite"))
    func serverStoppedMidRun() throws {
        let world = try World()
        // A cluster of this test's own: the suite's server keeps serving the other tests.
        let data = "/tmp/ect-pg-stopped-\(getpid())"
        let (server, port) = try Fault.privatePostgres(data: data)
        defer { _ = try? Fault.shell(Executable.packageRoot + "/scripts/postgres-down.sh", data); try? FileManager.default.removeItem(atPath: data) }
        let store = try TestStore.makeDatabase("stopped", on: server)
        let reference = Executable.packageRoot + "/samples/reference"
        let loaded = try Executable.run(["load-reference", "--root", world.root, "--schools", reference + "/schools.csv",
                                         "--trusts", reference + "/trusts.csv", "--appropriate-bodies", reference + "/appropriate-bodies.csv",
                                         "--lead-providers", reference + "/lead-providers.csv",
                                         "--local-authorities", reference + "/local-authorities.csv"],
                                        environment: ["ECT_BATCH_STORE": store])
        #expect(loaded.status == 0, "\(loaded.stderr)")

        // The run stops itself after 40 rows, in the middle of a file; the server
        // is stopped under it (its session ended, as at a shutdown); then it goes on.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Executable.path)
        process.arguments = ["run", "--root", world.root] + Self.asOf
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["ECT_BATCH_STORE": store, "ECT_BATCH_PAUSE_AFTER_ROWS": "40"]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        func state() -> Character? {
            guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            return stat[stat.index(close, offsetBy: 2)]
        }
        var waited = 0
        while state() != "T" && process.isRunning && waited < 6_000 {
            usleep(10_000)
            waited += 1
        }
        #expect(state() == "T", "the run never reached row 40")
        try Fault.postgres("stop", data: data, port: port)
        kill(process.processIdentifier, SIGCONT)
        let (stdout, stderr) = readBoth(out, err)
        process.waitUntilExit()
        let errors = String(decoding: stderr, as: UTF8.self)
        #expect(process.terminationStatus == 74, "\(String(decoding: stdout, as: UTF8.self)) \(errors)")
        #expect(errors.contains("store"), "\(errors)")
        #expect(!errors.contains("AB001/01-claims.csv: refused"), "the file in hand is not blamed")

        try Fault.postgres("start", data: data, port: port)
        let dump = try Store(location: store).read { try $0.canonicalDump() }
        let waiting = Executable.files(under: world.root + "/inbox")
        #expect(waiting["appropriate-bodies/AB001/01-claims.csv"] != nil, "the file in hand went back")
        for (path, bytes) in waiting {
            #expect(world.inbox[path] == bytes, "\(path) changed")
            let key = path.replacingOccurrences(of: "/", with: "|") + "|"
            #expect(!dump.contains { $0.hasPrefix(key) }, "the store records \(path)")
        }
        #expect(Executable.files(under: world.root + "/outbox/appropriate-bodies/AB001").isEmpty)

        let rerun = try Executable.run(["run", "--root", world.root] + Self.asOf, environment: ["ECT_BATCH_STORE": store])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(Executable.files(under: world.root + "/inbox").isEmpty)
        #expect(Executable.files(under: world.root + "/outbox") == world.reference.outbox)
        #expect(Folder.archived(under: world.root + "/archive") == world.reference.archive)
        #expect(try Store(location: store).read { try $0.canonicalDump() }.joined(separator: "\n") == world.reference.store)
    }

    @Test("the store held by another process: exit 74, nothing moved",
          .enabled(if: Executable.postgres == nil, "PostgreSQL's writers do not wait on each other's tables; see advisoryLock"))
    func storeLocked() throws {
        let world = try World()
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let path = world.root + "/ect.sqlite"
        let holder = Thread {
            guard let store = try? Store(path: path) else { holding.signal(); return }
            _ = try? store.write { tx in
                try tx.startRun(id: "holder", asOf: .init(iso: "2026-11-20")!, startedAt: "now")
                holding.signal()
                release.wait()
                throw CancellationError()
            }
        }
        holder.start()
        holding.wait()
        let result = try world.run()
        release.signal()
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("locked"))
        #expect(Executable.files(under: world.root + "/inbox") == world.inbox)
        #expect(Executable.files(under: world.root + "/tmp/inputs").isEmpty)
        let rerun = try world.run()
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted(exactStore: false)
    }

    @Test("a claimed input a stopped run left that cannot go back to the inbox stays where it is: exit 77, never deleted")
    func unrecoverable() throws {
        let world = try World()
        try Fault.handOver(world.root)
        // Killed in AB002's first file: its later files, and AB003's, are claimed ahead.
        let killed = try world.run(prefix: Fault.unprivileged, environment: ["ECT_BATCH_KILL_AFTER_ROWS": "135"])
        #expect(killed.killedBySignal)
        let claimed = Executable.files(under: world.root + "/tmp/inputs")
        #expect(claimed.keys.contains("appropriate-bodies/AB002/02-actions.csv"), "the killed run left claimed inputs: \(claimed.keys)")
        let folder = world.root + "/inbox/appropriate-bodies/AB002"
        Fault.chmod(folder, 0o555)
        let stuck = try world.run(prefix: Fault.unprivileged)
        Fault.chmod(folder, 0o755)
        #expect(stuck.status == 77, "\(stuck.stderr)")
        let left = Executable.files(under: world.root + "/tmp/inputs")
        #expect(!left.isEmpty && left.allSatisfy { claimed[$0.key] == $0.value && $0.key.hasPrefix("appropriate-bodies/AB002/") },
                "recovery kept what it could not put back, and only that: \(left.keys)")
        #expect(stuck.stderr.contains("EACCES"))
        let rerun = try world.run(prefix: Fault.unprivileged)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        try world.expectSameAsUninterrupted(exactStore: false)
    }

    @Test("an XML file first in a fresh data root is processed (tmp/ is made before it is needed)")
    func xmlFirst() throws {
        let root = Scratch.path("ect-xml-first")
        try FileManager.default.createDirectory(atPath: root + "/inbox/appropriate-bodies/AB002", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/trs", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Executable.packageRoot + "/samples/inbox/appropriate-bodies/AB002/04-extensions.xml",
                                        toPath: root + "/inbox/appropriate-bodies/AB002/04-extensions.xml")
        try FileManager.default.copyItem(atPath: Executable.packageRoot + "/samples/trs/trs-extract-2026-11-20.csv", toPath: root + "/trs/trs.csv")
        let loaded = try Executable.run(["load-reference", "--root", root, "--appropriate-bodies",
                                         Executable.packageRoot + "/samples/reference/appropriate-bodies.csv"])
        #expect(loaded.status == 0)
        #expect(!FileManager.default.fileExists(atPath: root + "/tmp"))
        let result = try Executable.run(["run", "--root", root] + Self.asOf)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("(1 processed, 0 refused"))
        #expect(FileManager.default.fileExists(atPath: root + "/outbox/appropriate-bodies/AB002/04-extensions.results.csv"))
        #expect(Executable.files(under: root + "/quarantine").isEmpty)
    }

    @Test("a kill between a file's archive copy and its result leaves no second archive copy")
    func killBetweenArchiveAndResult() throws {
        for archives in [1, 5, 12] {
            let world = try World()
            let killed = try world.run(environment: ["ECT_BATCH_KILL_AFTER_ARCHIVES": String(archives)])
            #expect(killed.killedBySignal)
            let rerun = try world.run()
            #expect(rerun.status == 0, "\(rerun.stderr)")
            try world.expectSameAsUninterrupted()
        }
    }

    @Test("two inputs with one stem keep their own results across a kill in the second")
    func sameStemAcrossKill() throws {
        let world = try World { root in
            let folder = root + "/inbox/appropriate-bodies/AB002"
            let lines = try String(contentsOfFile: folder + "/01-claims.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            try Data((lines.prefix(3).joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/01-claims.txt"))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: folder + "/01-claims.txt")
        }
        #expect(world.reference.outbox.keys.contains("appropriate-bodies/AB002/01-claims-2.results.csv"))
        // AB002's 01-claims.csv is rows 134 to 136 of the run; the .txt (two rows) comes next.
        for rows in [137, 138] {
            let root = world.root + "-\(rows)"
            try Fault.shell("cp", "-a", world.root, root)
            try Executable.copyStore(from: world.root, to: root)
            let killed = try Executable.run(["run", "--root", root] + Self.asOf, environment: ["ECT_BATCH_KILL_AFTER_ROWS": String(rows)])
            #expect(killed.killedBySignal)
            let rerun = try Executable.run(["run", "--root", root] + Self.asOf)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(Executable.files(under: root + "/outbox") == world.reference.outbox, "killed after \(rows) rows")
            #expect(try Executable.storeDump(root) == world.reference.store)
        }
    }
}

@Suite("validate and report never stop a run", .serialized)
struct SideCommandTests {
    @Test("validate on a file that is not there exits 66, naming the path; it does not say the file would be refused")
    func validateMissingFile() throws {
        let root = try Executable.sampleRoot()
        let missing = root + "/inbox/appropriate-bodies/AB001/no-such.csv"
        let result = try Executable.run(["validate", missing, "--as", "appropriate-bodies:AB001", "--root", root])
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains(missing) && result.stderr.contains("ENOENT"))
        #expect(!result.stdout.contains("refused"))
    }

    @Test("report with a reports folder it may not write exits 77, naming the path")
    func reportUnwritable() throws {
        let root = try Executable.sampleRoot()
        #expect(try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"]).status == 0)
        try Fault.handOver(root)
        Fault.chmod(root + "/reports/latest", 0o555)
        let result = try Executable.run(["report", "--root", root], prefix: Fault.unprivileged)
        Fault.chmod(root + "/reports/latest", 0o755)
        #expect(result.status == 77, "\(result.stderr)")
        #expect(result.stderr.contains(root + "/reports/latest") && result.stderr.contains("EACCES"))
    }

    @Test("a run started while validate checks a big file is not held up by it")
    func validateDuringRun() throws {
        let root = try Executable.sampleRoot()
        let big = root + "/big.csv"
        var text = "TRN,Date of birth,Induction programme,Induction period start date\n"
        for index in 0..<60_000 { text += "\(3_100_000 + index),1990-01-01,school-led,2026-09-01\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: big))
        let validate = Process()
        validate.executableURL = URL(fileURLWithPath: Executable.path)
        validate.arguments = ["validate", big, "--as", "appropriate-bodies:AB001", "--root", root, "--as-of", "2026-11-20"]
        validate.environment = ProcessInfo.processInfo.environment.merging(["ECT_BATCH_STORE": try Executable.storeLocation(root)]) { $1 }
        let out = Pipe()
        validate.standardOutput = out
        validate.standardError = FileHandle.nullDevice
        try validate.run()
        // Wait until validate is printing verdicts: it is inside its transaction.
        _ = out.fileHandleForReading.readData(ofLength: 4096)
        let run = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        let validateStillRunning = validate.isRunning
        _ = out.fileHandleForReading.readAll()
        validate.waitUntilExit()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(validateStillRunning, "the run finished while validate was still at work")
        #expect(validate.terminationStatus == 65)
    }

    @Test("reports built at the same time take turns and all succeed")
    func concurrentReports() throws {
        let root = try Executable.sampleRoot()
        #expect(try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"]).status == 0)
        let statuses = Mutex<[Int32]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            let status = (try? Executable.run(["report", "--root", root]).status) ?? -1
            statuses.withLock { $0.append(status) }
        }
        #expect(statuses.withLock { $0 } == Array(repeating: 0, count: 6))
        #expect(Executable.files(under: root + "/reports/latest").keys.allSatisfy { !$0.hasPrefix(".") || $0 == ".lock" })
    }
}
