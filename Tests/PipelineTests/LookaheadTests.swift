import Domain
import Foundation
import Logging
import Synchronization
import Testing
@testable import Pipeline
import TestSupport

@Suite("Looking ahead on a second thread")
struct LookaheadTests {
    /// `count` small claims files, each different, in a fresh folder.
    static func files(_ count: Int) throws -> [InboxFile] {
        let folder = Scratch.path("ect-lookahead")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let submitter = Submitter(kind: .appropriateBodies, id: "AB001")
        return try (0..<count).map { index in
            let path = "\(folder)/claims-\(index).csv"
            // TRNs repeat every third row: the later files hold duplicates.
            let rows = (0...index).map { "\(1_000_000 + $0 % 3),1990-01-01,Provider-led,2025-09-01\n" }.joined()
            try Data(("TRN,Date of birth,Induction programme,Induction period start date\n" + rows).utf8)
                .write(to: URL(fileURLWithPath: path))
            return InboxFile(submitter: submitter, name: "claims-\(index).csv", path: path, arrival: Int64(index))
        }
    }

    @Test("each file's look, taken in order, is the one taken on the spot; refused files get none")
    func sameAsInline() throws {
        let files = try Self.files(12)
        let lookahead = Lookahead(files: files, window: 3) { _, file in file.name.hasSuffix("-5.csv") ? nil : FirstLook.take(file, claimingInto: nil, scratch: nil) }
        defer { lookahead.stop() }
        for (index, file) in files.enumerated() {
            let look = lookahead.take(index)
            guard index != 5 else { #expect(look == nil); continue }
            let ahead = try #require(look), inline = FirstLook.take(file, claimingInto: nil, scratch: nil)
            guard case .read(let sha, let scan) = ahead.outcome, case .read(let inlineSHA, let inlineScan) = inline.outcome else {
                Issue.record("file \(index) was not read"); continue
            }
            #expect(sha == inlineSHA)
            let (aheadScan, onTheSpot) = (try scan.get(), try inlineScan.get())
            #expect(aheadScan.kind == .claims)
            #expect(aheadScan.duplicates == onTheSpot.duplicates)
            #expect(aheadScan.duplicates.isEmpty == (index < 3))
        }
    }

    @Test("it never looks more than its window ahead of the file taken last")
    func boundedWindow() throws {
        let files = try Self.files(20)
        let looked = Mutex(0)
        let lookahead = Lookahead(files: files, window: 4) { _, file in
            looked.withLock { $0 += 1 }
            return FirstLook.take(file, claimingInto: nil, scratch: nil)
        }
        defer { lookahead.stop() }
        for index in files.indices {
            // Give the second thread time to run as far ahead as it may.
            let deadline = Date().addingTimeInterval(2)
            while looked.withLock({ $0 }) < min(index + 4, files.count), Date() < deadline { usleep(1_000) }
            let count = looked.withLock { $0 }
            #expect(count <= index + 4, "\(count) files looked at before file \(index) was taken")
            #expect(count == min(index + 4, files.count), "the second thread runs ahead up to the window")
            _ = lookahead.take(index)
        }
    }

    @Test("outputs made ahead: the result's folder and an empty file in tmp/, one folder of several by file number")
    func preparedOutputs() throws {
        let folder = Scratch.path("ect-prepared")
        let root = DataRoot(path: folder, store: try TestStore.location(for: folder))
        let file = InboxFile(submitter: Submitter(kind: .schools, id: "100001"), name: "a.csv", path: root.inbox + "/a.csv", arrival: 0)
        let seventh = try #require(FileProcessor.prepareOutputs(for: file, number: 7, root: root).result)
        #expect(seventh.hasPrefix(root.temporary + "/ahead-7/"))
        #expect((try? FileManager.default.attributesOfItem(atPath: seventh)[.size] as? Int) == 0)
        #expect(FileManager.default.fileExists(atPath: root.outbox + "/schools/100001"))
        let eighth = try #require(FileProcessor.prepareOutputs(for: file, number: 8, root: root).result)
        #expect(eighth != seventh && eighth.hasPrefix(root.temporary + "/ahead-8/"))
        // The archive is the run's bundle, made when its first entry is written.
        #expect(!FileManager.default.fileExists(atPath: root.archive))
    }
}

@Suite("Rows kept from the first pass")
struct KeptRowsTests {
    @Test("pass 2 gives the same verdicts from the rows pass 1 kept as from reading the file again, in every format")
    func sameAsReread() throws {
        let world = try SampleWorld()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let (store, reference, trs) = try BatchRun.open(root: world.root, trsPath: nil, trsAPI: nil, asOf: SampleWorld.asOf,
                                                        logger: logger)
        let processor = FileProcessor(root: world.root, store: store, trs: trs, reference: reference, asOf: SampleWorld.asOf,
                                      runID: nil, logger: logger)
        var formats: Set<FileFormat> = []
        for file in Inbox(root: world.root).scan().files where reference.knows(file.submitter) {
            guard let kept = try? FileProcessor.scan(file) else { continue }
            let reread = try FileProcessor.scan(file, keeping: 0)
            #expect(kept.rows != nil && reread.rows == nil)
            func outcomes(_ scan: FileProcessor.Scan) throws -> [String] {
                try store.rollingBack { tx in
                    var seen: [String] = []
                    _ = try processor.validateRows(file, scan, sha256: String(repeating: "0", count: 64), resultName: nil, in: tx) { row, outcome in
                        seen.append("\(row.number) \(row.cells.count) \(outcome)")
                    }
                    return seen
                }
            }
            let fromKept = try outcomes(kept)
            #expect(!fromKept.isEmpty)
            #expect(fromKept == (try outcomes(reread)), "\(file.name)")
            formats.insert(kept.format)
        }
        #expect(formats == [.csv, .json, .ndjson, .xml])
    }
}
