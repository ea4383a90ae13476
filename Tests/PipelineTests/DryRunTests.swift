import Domain
import Foundation
import Reports
import Testing
@testable import Pipeline
import Store
import TestSupport

@Suite("Dry run")
struct DryRunTests {
    @Test("validate gives, for every sample file, exactly the verdicts the run then records")
    func sameVerdictsAsTheRun() throws {
        let world = try SampleWorld()
        let order = Inbox(root: world.root).scan().files
        #expect(order.count == 20)
        // Take every file out, then give them back one at a time, in the run's order.
        let staging = world.root.path + "/staging"
        for file in order {
            let target = staging + "/" + file.path.dropFirst(world.root.inbox.count)
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: file.path, toPath: target)
        }
        let dryRun = DryRun(root: world.root, trsPath: nil, asOf: SampleWorld.asOf, logger: .init(label: "t"))
        let store = try Store(location: world.root.store)
        for (index, file) in order.enumerated() {
            try FileManager.default.moveItem(atPath: staging + "/" + file.path.dropFirst(world.root.inbox.count), toPath: file.path)
            var predicted: [(Int, RowOutcome)] = []
            let outcome = try dryRun.validate(path: file.path, as: file.submitter) { predicted.append(($0.number, $1)) }
            let report = try #require(try world.run(runID: "run-\(index)").files.first)
            switch (outcome, report.outcome) {
            case (.checked(let kind, _, let counts), .processed):
                #expect(kind == report.kind)
                #expect(counts.accepted == report.accepted && counts.rejected == report.rejected)
                let submission = try #require(try store.read { tx in
                    try tx.rows("SELECT id FROM submissions WHERE file_name = ? AND submitter_id = ?", [file.name, file.submitter.id])
                }.first.flatMap { Int64($0[0]) })
                var recorded: [(Int, RowOutcome)] = []
                try store.read { tx in
                    try tx.forEachVerdict(of: submission) {
                        recorded.append(($0.row, RowOutcome(status: $0.status, errors: $0.errors, warnings: $0.warnings, extensionID: $0.extensionID)))
                    }
                }
                #expect(predicted.map(\.0) == recorded.map(\.0), "\(file.path)")
                #expect(predicted.map(\.1) == recorded.map(\.1), "\(file.path)")
            case (.refused(let problem), .refused(let actual)), (.refused(let problem), .quarantined(let actual)):
                #expect(problem.code == actual.code, "\(file.path)")
            default:
                Issue.record("\(file.path): dry run said \(outcome), the run \(report.outcome)")
            }
        }
    }

    @Test("a dry run changes nothing and moves nothing")
    func changesNothing() throws {
        let world = try SampleWorld()
        let before = try world.storeDump()
        let path = world.root.inbox + "/appropriate-bodies/AB001/01-claims.csv"
        var rows = 0
        let outcome = try DryRun(root: world.root, trsPath: nil, asOf: SampleWorld.asOf, logger: .init(label: "t"))
            .validate(path: path, as: Submitter(kind: .appropriateBodies, id: "AB001")) { _, _ in rows += 1 }
        guard case .checked(_, _, let counts) = outcome else { Issue.record("\(outcome)"); return }
        #expect(counts.accepted == 22 && rows == 47)
        #expect(try world.storeDump() == before)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try world.files(under: world.root.outbox).isEmpty)
    }
}
