import Domain
import Foundation
import Parsers
@testable import Pipeline
import Reports
import Store
import Testing
import TestSupport

@Suite("The archive: one bundle a run")
struct ArchiveTests {
    @Test("a run archives every processed input in one bundle, each entry where the store says")
    func oneBundle() throws {
        let world = try SampleWorld()
        let summary = try world.run(runID: "night")
        let bundle = world.root.archive + "/2026-11-20/night.tar"
        #expect(Folder.files(under: world.root.archive).keys.sorted() == ["2026-11-20/night.tar"])
        let members = try TarReader.members(path: bundle)
        #expect(members.count == summary.counts.processed)
        let store = try Store(location: world.root.store)
        for report in summary.files where report.outcome == .processed {
            let sha256 = try Fingerprint.sha256(path: SampleWorld.samples + "/inbox/" + report.file.submitter.kind.rawValue
                                                + "/" + report.file.submitter.id + "/" + report.file.name)
            let record = try #require(try store.read { try $0.submission(from: report.file.submitter, sha256: sha256) })
            let location = try #require(record.archive)
            #expect(location.bundle == "2026-11-20/night.tar")
            #expect(members.contains { $0.name == location.entry && $0.offset == location.offset && $0.length == location.length })
            #expect(location.entry.hasPrefix("\(report.file.submitter.kind.rawValue)/\(report.file.submitter.id)/"))
        }
    }

    @Test("an identical file sent again is re-issued and not archived twice; one whose copy was lost is archived again")
    func reissue() throws {
        let world = try SampleWorld()
        _ = try world.run(runID: "first")
        let archived = world.archived()
        try world.copyInbox()
        let second = try world.run(runID: "second")
        #expect(second.counts.reissued == 16)
        #expect(world.archived() == archived, "no second copy, no second bundle")
        #expect(!FileManager.default.fileExists(atPath: world.root.archive + "/2026-11-20/second.tar"))
        // The first bundle lost (a restore from a backup taken before it, say): the copies
        // are made again, in the run that re-issues, and the store points at them.
        try FileManager.default.removeItem(atPath: world.root.archive + "/2026-11-20/first.tar")
        try world.copyInbox()
        _ = try world.run(runID: "third")
        #expect(world.archived() == archived)
        let store = try Store(location: world.root.store)
        let bundles = try store.read { try $0.rows("SELECT DISTINCT archive_bundle FROM submissions WHERE archive_bundle IS NOT NULL") }
        #expect(bundles.map { $0[0] as String } == ["2026-11-20/third.tar"])
    }

    @Test("the next run cuts off what a killed run wrote past its last commit, and only once")
    func recover() throws {
        let world = try SampleWorld()
        _ = try world.run(runID: "first")
        let archived = world.archived()
        // A run killed after writing one more entry than it committed, the second half-written.
        let store = try Store(location: world.root.store)
        /// A run the store holds as started and never finished, and its bundle.
        func killedRun(_ id: String) throws -> (path: String, bundle: TarBundle) {
            try store.write { try $0.startRun(id: id, asOf: SampleWorld.asOf, startedAt: "2026-11-20T22:00:00Z") }
            let path = world.root.archive + "/2026-11-20/\(id).tar"
            return (path, try TarBundle(creating: path, modified: 0))
        }
        /// A whole entry of one line.
        func sealed(_ name: String, in bundle: TarBundle, _ trn: String) throws -> TarBundle.Entry {
            let entry = bundle.append("schools/100001/" + name)
            try entry.write("TRN\r\n\(trn)\r\n")
            try entry.commit()
            return entry
        }
        let (path, bundle) = try killedRun("killed")
        _ = try sealed("never-committed.csv", in: bundle, "1234567")
        let half = bundle.append("schools/100001/half.csv")
        try half.write(String(repeating: "x", count: 5000))
        try half.flush()
        #expect(world.archived().keys.contains("2026-11-20/schools/100001/never-committed.csv"))
        try RunArchive.recover(root: world.root, store: store, runID: "next")
        #expect(!FileManager.default.fileExists(atPath: path), "nothing of it was committed")
        #expect(world.archived() == archived)

        // One whose first entry did commit keeps it, sealed; a second recovery changes nothing.
        let (path2, bundle2) = try killedRun("killed-2")
        let committed = try sealed("committed.csv", in: bundle2, "7654321")
        try store.write { tx in
            let id = try tx.insertSubmission(.init(submitter: Submitter(kind: .schools, id: "100001"), fileName: "committed.csv",
                                                   sha256: String(repeating: "c", count: 64), kind: .registrations, format: .csv,
                                                   runID: "killed-2", asOf: SampleWorld.asOf, processedAt: "2026-11-20T23:00:01Z"))
            try tx.finishSubmission(id, accepted: 1, rejected: 0, durationMilliseconds: 1,
                                    archive: ArchiveLocation(bundle: "2026-11-20/killed-2.tar", entry: committed.name,
                                                             offset: committed.offset, length: committed.length))
        }
        _ = try sealed("extra.csv", in: bundle2, "1111111")
        try RunArchive.recover(root: world.root, store: store, runID: "next")
        #expect(try TarReader.members(path: path2).map(\.name) == ["schools/100001/committed.csv"])
        #expect(world.archived()["2026-11-20/killed-2.tar (tail)"] == nil, "sealed with tar's closing blocks")
        let sealedAt = try FileManager.default.attributesOfItem(atPath: path2)[.modificationDate] as? Date
        Thread.sleep(forTimeInterval: 0.02)
        try RunArchive.recover(root: world.root, store: store, runID: "later")
        #expect(try FileManager.default.attributesOfItem(atPath: path2)[.modificationDate] as? Date == sealedAt)
    }
}
