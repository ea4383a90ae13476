import Domain
import Foundation
import Parsers
import Pipeline
import Store

/// A data root holding a copy of the bundled samples/ world.
struct SampleWorld {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let samples = packageRoot + "/samples"
    static let asOf = Day(iso: "2026-11-20")!

    let root: DataRoot

    /// A fresh root with the samples' inbox, TRS extract and reference data loaded.
    init() throws {
        let path = Scratch.path("ect-world")
        root = DataRoot(path: path, store: try TestStore.location(for: path))
        let fm = FileManager.default
        try fm.createDirectory(atPath: root.trs, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Self.samples + "/trs/trs-extract-2026-11-20.csv", toPath: root.trs + "/trs.csv")
        try copyInbox()
        let store = try Store(location: root.store)
        let reference = ReferenceData(
            schools: try ReferenceReader.schools(path: Self.samples + "/reference/schools.csv").values,
            trusts: try ReferenceReader.trusts(path: Self.samples + "/reference/trusts.csv").values,
            appropriateBodies: try ReferenceReader.appropriateBodies(path: Self.samples + "/reference/appropriate-bodies.csv").values,
            leadProviders: try ReferenceReader.leadProviders(path: Self.samples + "/reference/lead-providers.csv").values,
            localAuthorities: try ReferenceReader.localAuthorities(path: Self.samples + "/reference/local-authorities.csv").values)
        try store.write { try $0.upsert(reference) }
    }

    /// Copies the samples' inbox in (again), every file with the same arrival time.
    func copyInbox() throws {
        let fm = FileManager.default
        let source = Self.samples + "/inbox"
        for relative in try fm.subpathsOfDirectory(atPath: source).sorted() {
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory)
            let target = root.inbox + "/" + relative
            if isDirectory.boolValue {
                try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
            } else {
                try? fm.removeItem(atPath: target)
                try fm.copyItem(atPath: source + "/" + relative, toPath: target)
                try fm.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_790_000_000)], ofItemAtPath: target)
            }
        }
    }

    func run(runID: String = "run-1", settle: Int = 0) throws -> BatchRun.Summary {
        try BatchRun(options: .init(root: root, asOf: Self.asOf, settleSeconds: settle, runID: runID),
                     logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })).run()
    }

    /// Every file under `folder`, relative path to bytes.
    func files(under folder: String) throws -> [String: Data] { Folder.files(under: folder) }

    /// The archive's copies, by `<day>/<kind>/<id>/<name>` (see `Folder.archived`).
    func archived() -> [String: Data] { Folder.archived(under: root.archive) }

    /// The store's contents, without the columns that say when things ran.
    func storeDump() throws -> [[String]] {
        let store = try Store(location: root.store)
        return try store.read { tx in
            try tx.rows("SELECT submitter_kind, submitter_id, file_name, sha256, kind, format, status, refusal_code, rows_total, rows_accepted, rows_rejected FROM submissions ORDER BY id")
                + tx.rows("SELECT * FROM teachers ORDER BY trn")
                + tx.rows("SELECT * FROM induction_periods ORDER BY id")
                + tx.rows("SELECT * FROM extensions ORDER BY id")
                + tx.rows("SELECT * FROM events ORDER BY id")
                + tx.rows("SELECT * FROM trs_outbox ORDER BY id")
                + tx.rows("SELECT * FROM row_verdicts ORDER BY submission_id, row_number")
        }
    }
}

import Logging
import TestSupport
