import Domain
import Foundation
import Logging
import Testing
@testable import Pipeline

@Suite("Processed inputs kept until the store is synced")
struct RetiredInputsTests {
    @Test("a retired name gives back the submitter and the file name", arguments: [
        "claims.csv", "100% done.csv", "a%2Fb.csv", "Zoë - autumn-2026.ndjson", "-.csv",
    ])
    func roundTrip(_ name: String) throws {
        let file = InboxFile(submitter: Submitter(kind: .appropriateBodies, id: "AB-001"), name: name, path: "/x/" + name, arrival: 0)
        let retired = try #require(RetiredInputs.name(for: file, number: 12))
        #expect(!retired.contains("/") && retired.hasSuffix(RetiredInputs.suffix))
        let original = try #require(RetiredInputs.original(of: retired))
        #expect(original.submitter == file.submitter && original.name == name)
    }

    @Test("a name too long for the file system is not retired; names that are not retired ones are not read as such")
    func limits() {
        let long = InboxFile(submitter: Submitter(kind: .schools, id: "100001"), name: String(repeating: "a", count: 250) + ".csv",
                             path: "/x", arrival: 0)
        #expect(RetiredInputs.name(for: long, number: 1) == nil)
        for name in ["12-3.tmp", "1-2-schools%2F100001.retired", "1-2-pupils%2F1%2Fa.csv.retired", "1-2-schools%2F..%2Fa.retired",
                     "1-2-schools%2F100001%2F..retired"] {
            #expect(RetiredInputs.original(of: name) == nil, "\(name)")
        }
    }

    @Test("after a power cut: an input whose commit was lost goes back to the inbox and is processed; one the store has is deleted")
    func recovery() throws {
        let world = try SampleWorld()
        _ = try world.run()
        let processed = SampleWorld.samples + "/inbox/appropriate-bodies/AB001/01-claims.csv"
        var changed = try Data(contentsOf: URL(fileURLWithPath: processed))
        changed.append(contentsOf: Array("# sent again, with this line\n".utf8))
        let tmp = world.root.temporary
        let file = { (name: String) in InboxFile(submitter: Submitter(kind: .appropriateBodies, id: "AB001"), name: name, path: "", arrival: 0) }
        let lost = tmp + "/" + RetiredInputs.name(for: file("08-claims.csv"), number: 1)!
        let applied = tmp + "/" + RetiredInputs.name(for: file("01-claims.csv"), number: 2)!
        try changed.write(to: URL(fileURLWithPath: lost))
        try FileManager.default.copyItem(atPath: processed, toPath: applied)

        let summary = try world.run(runID: "run-2")
        #expect(summary.files.map(\.file.name) == ["08-claims.csv"])
        #expect(summary.files.first?.outcome == .processed)
        #expect(FileManager.default.fileExists(atPath: world.root.outbox + "/appropriate-bodies/AB001/08-claims.results.csv"))
        #expect(try world.files(under: tmp).isEmpty)
        #expect(try world.files(under: world.root.inbox).isEmpty)
    }

    @Test("after a power cut that lost a committed file's result, its input goes back and the result is re-issued")
    func lostResult() throws {
        let world = try SampleWorld()
        _ = try world.run()
        let result = world.root.outbox + "/appropriate-bodies/AB001/01-claims.results.csv"
        let expected = try Data(contentsOf: URL(fileURLWithPath: result))
        try FileManager.default.removeItem(atPath: result)
        let input = InboxFile(submitter: Submitter(kind: .appropriateBodies, id: "AB001"), name: "01-claims.csv", path: "", arrival: 0)
        #expect(!RetiredInputs.hasResult(root: world.root, submitter: input.submitter, fileName: input.name))
        try FileManager.default.copyItem(atPath: SampleWorld.samples + "/inbox/appropriate-bodies/AB001/01-claims.csv",
                                         toPath: world.root.temporary + "/" + RetiredInputs.name(for: input, number: 1)!)

        let summary = try world.run(runID: "run-2")
        #expect(summary.files.map(\.outcome) == [.reissued])
        #expect(try Data(contentsOf: URL(fileURLWithPath: result)) == expected)
        #expect(RetiredInputs.hasResult(root: world.root, submitter: input.submitter, fileName: input.name))
        #expect(!RetiredInputs.hasResult(root: world.root, submitter: input.submitter, fileName: "01-claim.csv"))
    }
}
