#if canImport(Glibc)
import Glibc
#endif
import Domain
import Foundation
import Logging
import Store
import Testing
@testable import Pipeline
import TestSupport

@Suite("Names and identity of an input")
struct InputIdentityTests {
    @Test("an input named with up to 255 bytes is processed; its outputs' names fit and say whose they are", arguments: [248, 252, 255])
    func longName(_ length: Int) throws {
        let world = try SampleWorld()
        let folder = world.root.inbox + "/appropriate-bodies/AB002"
        let name = String(repeating: "é", count: (length - 4) / 2) + String(repeating: "x", count: (length - 4) % 2) + ".csv"
        #expect(name.utf8.count == length)
        try FileManager.default.copyItem(atPath: folder + "/01-claims.csv", toPath: folder + "/" + name)
        // Different bytes, so that it is processed rather than re-issued.
        try FileHandle(forWritingAtPath: folder + "/" + name)!.seekToEnd()
        let handle = try #require(FileHandle(forWritingAtPath: folder + "/" + name))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\n# a comment\n".utf8))
        try handle.close()
        let summary = try world.run()
        #expect(summary.faults.isEmpty, "\(summary.faults)")
        let report = try #require(summary.files.first { $0.file.name == name })
        #expect(report.outcome == .processed)
        let result = try #require(report.resultPath)
        let resultName = String(result.split(separator: "/").last!)
        #expect(resultName.utf8.count <= 255 && resultName.hasSuffix(".results.csv") && resultName.hasPrefix("éé"))
        #expect(FileManager.default.fileExists(atPath: result))
        // The rest of the night went ahead.
        #expect(summary.files.count == 21)
        #expect(try world.files(under: world.root.inbox).isEmpty)
    }

    @Test("output names are cut on a character boundary and marked, so two long names never share one")
    func fittingNames() {
        let a = String(repeating: "ü", count: 200) + "-a", b = String(repeating: "ü", count: 200) + "-b"
        let fittedA = FileNames.fitting(a, ".results.csv"), fittedB = FileNames.fitting(b, ".results.csv")
        #expect(fittedA != fittedB)
        #expect(fittedA.utf8.count <= 255 && fittedB.utf8.count <= 255)
        #expect(fittedA.hasSuffix(".results.csv"))
        #expect(FileNames.fitting("short", ".results.csv") == "short.results.csv")
        #expect(FileNames.fitting(a, ".results.csv") == fittedA, "the same name fits the same way every time")
    }

    @Test("bytes that replace an input while the run is on it are a new file: never taken for the old one, never lost")
    func replacedUpload() throws {
        let world = try SampleWorld()
        let path = world.root.inbox + "/appropriate-bodies/AB001/07-extensions.json"
        let replacement = Data("{\"kind\": \"extensions\", \"records\": [{\"trn\": \"3000002\", \"date_of_birth\": \"1990-01-01\", \"number_of_terms\": \"1\"}]}\n".utf8)
        var replaced = false
        let summary = try BatchRun(options: .init(root: world.root, asOf: SampleWorld.asOf, runID: "run-1"),
                                   logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }) { done, _ in
            // After the trusts' files: AB001's files are being claimed ahead.
            guard done == 6, !replaced else { return }
            replaced = true
            let temporary = path + ".part"
            try? replacement.write(to: URL(fileURLWithPath: temporary))
            rename(temporary, path)
        }.run()
        #expect(replaced)
        let sha = SHA.of(replacement)
        let store = try Store(location: world.root.store)
        let recorded = try store.read { try $0.rows("SELECT status FROM submissions WHERE sha256 = ?", [sha]) }
        let inbox = try world.files(under: world.root.inbox)
        // Either the new bytes arrived before the run claimed the path (processed), or after
        // (still in the inbox for the next run); never both, never neither.
        #expect((recorded.count == 1) != (inbox["appropriate-bodies/AB001/07-extensions.json"] == replacement),
                "recorded \(recorded), inbox \(inbox.keys)")
        #expect(summary.faults.isEmpty)
    }

    @Test("a name that is not UTF-8 is left in the inbox with a notice, every night, never dropped silently")
    func notUTF8() throws {
        let world = try SampleWorld()
        let folder = world.root.inbox + "/appropriate-bodies/AB001/"
        var bytes = Array(folder.utf8) + [0x63, 0xFF, 0x2E, 0x63, 0x73, 0x76]  // "c\xFF.csv"
        bytes.append(0)
        let descriptor = bytes.withUnsafeBufferPointer { raw in
            raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) { open($0, O_CREAT | O_WRONLY, 0o644) }
        }
        #expect(descriptor >= 0)
        close(descriptor)
        let summary = try world.run()
        let notice = try #require(summary.notices.first { $0.reason == .nameNotUTF8 })
        #expect(notice.path.hasPrefix(folder))
        #expect(summary.faults.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1, "the file is still there")
    }
}

@Suite("Recovering what a stopped run left")
struct RecoveryTests {
    func leave(_ world: SampleWorld, _ relative: String, from sample: String) throws -> String {
        let path = world.root.temporary + "/inputs/" + relative
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: SampleWorld.samples + "/inbox/" + sample, toPath: path)
        return path
    }

    @Test("an input the store does not know goes back and is processed; one committed with its result is deleted; a lost result is re-issued")
    func recover() throws {
        let world = try SampleWorld()
        _ = try world.run(runID: "first")
        let results = try world.files(under: world.root.outbox)
        // A committed input whose result exists, one whose result a power cut lost, and one
        // whose commit was lost (a new file, as far as the store knows).
        try world.copyInbox()
        for name in try FileManager.default.contentsOfDirectory(atPath: world.root.inbox + "/appropriate-bodies/AB001") {
            try FileManager.default.removeItem(atPath: world.root.inbox + "/appropriate-bodies/AB001/" + name)
        }
        let applied = try leave(world, "appropriate-bodies/AB001/01-claims.csv", from: "appropriate-bodies/AB001/01-claims.csv")
        _ = try leave(world, "appropriate-bodies/AB001/03-actions.csv", from: "appropriate-bodies/AB001/03-actions.csv")
        try FileManager.default.removeItem(atPath: world.root.outbox + "/appropriate-bodies/AB001/03-actions.results.csv")
        let unknown = try leave(world, "appropriate-bodies/AB001/08-claims.csv", from: "appropriate-bodies/AB002/01-claims.csv")
        // And one left by an earlier version, in tmp/ itself.
        try FileManager.default.copyItem(atPath: SampleWorld.samples + "/inbox/appropriate-bodies/AB002/02-actions.csv",
                                        toPath: world.root.temporary + "/999-1-appropriate-bodies%2FAB001%2F09-actions.csv.retired")
        let store = try Store(location: world.root.store)
        let recovery = try ClaimedInputs.recover(root: world.root, store: store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(recovery.faults.isEmpty)
        #expect(Set(recovery.restored.map { ($0 as NSString).lastPathComponent }) == ["03-actions.csv", "08-claims.csv", "09-actions.csv"])
        #expect(!FileManager.default.fileExists(atPath: applied) && !FileManager.default.fileExists(atPath: unknown))
        _ = try world.run(runID: "second")
        let after = try world.files(under: world.root.outbox)
        #expect(after["appropriate-bodies/AB001/03-actions.results.csv"] == results["appropriate-bodies/AB001/03-actions.results.csv"],
                "the lost result is re-issued byte for byte")
        #expect(after["appropriate-bodies/AB001/08-claims.results.csv"] != nil, "the unknown input was processed")
        #expect(try world.files(under: world.root.temporary + "/inputs").isEmpty)
    }

    @Test("legacy retired names: hostile or malformed ones are never taken for inputs",
          arguments: ["1-2-schools%2F..%2Fx.retired", "1-2-schools%2F.%2Fx.retired", "1-2-nope%2F1%2Fx.retired", "1-2-x.retired", "x.tmp"])
    func legacyNames(_ name: String) {
        #expect(ClaimedInputs.legacyOriginal(of: name) == nil)
    }

    @Test("a legacy retired name gives back its submitter and file name")
    func legacyName() throws {
        let original = try #require(ClaimedInputs.legacyOriginal(of: "12-3-appropriate-bodies%2FAB-001%2Fa%25b-c.csv.retired"))
        #expect(original.submitter == Submitter(kind: .appropriateBodies, id: "AB-001"))
        #expect(original.name == "a%b-c.csv")
    }
}

/// The SHA-256 the run records, of bytes in memory.
enum SHA {
    static func of(_ data: Data) -> String {
        let path = Scratch.path("ect-sha")
        try! data.write(to: URL(fileURLWithPath: path))
        return try! Fingerprint.sha256(path: path)
    }
}
