import Domain
import Foundation
import Logging
@testable import Pipeline
import Rules
import Store
import Testing
import TestSupport
import TRS

/// TRS failing in the middle of a file (a TRN the night did not look up, asked when its
/// row needs it): the file's transaction is undone, nothing of it is recorded, and the
/// failure is ours, with TRS's exit code — never a verdict on a row.
@Suite("TRS unreachable mid-file")
struct TRSUnavailableTests {
    /// A TRS that cannot be reached.
    struct Unreachable: TeacherRecordSource {
        func record(for trn: TRN) throws -> TRSRecord? {
            throw TRSError.unavailable("HTTP 503 to GET /v3/persons/{trn}, after 6 tries")
        }
    }

    @Test("the file is not recorded and the run's error is trs.unavailable, exit 69")
    func midFile() throws {
        let world = try SampleWorld()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let (store, reference) = try BatchRun.openStore(root: world.root)
        let processor = FileProcessor(root: world.root, store: store, trs: Unreachable(), reference: reference,
                                      asOf: SampleWorld.asOf, runID: nil, logger: logger)
        let archive = RunArchive(root: world.root, asOf: SampleWorld.asOf, runID: "test")
        processor.archive = archive
        let file = try #require(Inbox(root: world.root).scan().files.first { $0.name == "01-claims.csv" && $0.submitter.id == "AB001" })
        let before = try store.read { try $0.count("SELECT count(*) FROM submissions") }
        #expect {
            try processor.process(file, look: FirstLook.take(file, claimingInto: nil, scratch: nil))
        } throws: { error in
            guard let error = error as? RunError, case .trs(.unavailable) = error else { return false }
            return error.exitCode == 69 && error.description.contains("trs.unavailable")
        }
        #expect(try store.read { try $0.count("SELECT count(*) FROM submissions") } == before)
        #expect(try store.read { try $0.count("SELECT count(*) FROM row_verdicts") } == 0)
        #expect(Folder.files(under: world.root.outbox).isEmpty, "no result blames the submitter")
        // The archive copy written before the failure is taken back; the bundle holds nothing.
        #expect((try? FileManager.default.attributesOfItem(atPath: archive.path)[.size] as? Int) == 0)
        try archive.close()
        #expect(!FileManager.default.fileExists(atPath: archive.path))
    }
}
