import Foundation
import Store
import Testing
import TestSupport

@Suite("Outcomes exported for TRS")
struct ExportOutcomesTests {
    /// A sample root after a run, and the outbox's rows.
    static func root() throws -> (root: String, queued: Int) {
        let root = try Executable.sampleRoot()
        #expect(try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"]).status == 0)
        let store = try Executable.store(root)
        let queued = Int(try store.read { try $0.rows("SELECT count(*) FROM trs_outbox") }[0][0])!
        return (root, queued)
    }

    @Test("every queued outcome is exported once, in TRS's form; a second export has nothing to write")
    func exportOnce() throws {
        let (root, queued) = try Self.root()
        #expect(queued > 0)
        let file = root + "/outcomes-1.csv"
        let first = try Executable.run(["export-outcomes", "--root", root, "--to", file])
        #expect(first.status == 0 && first.stdout.contains("Exported \(queued) outcome(s)"), "\(first.stderr)")
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\r\n")
        #expect(lines[0] == "trn,status,start_date,completed_date,modified_on")
        #expect(lines.count == queued + 1)
        #expect(lines.dropFirst().allSatisfy { $0.range(of: #"^[0-9]{7},(InProgress|Passed|Failed),[0-9-]{10},([0-9-]{10})?,[0-9T:-]{19}\.000Z$"#, options: .regularExpression) != nil })
        let second = try Executable.run(["export-outcomes", "--root", root, "--to", root + "/outcomes-2.csv"])
        #expect(second.status == 0 && second.stdout.contains("No outcome to export"))
        #expect(!FileManager.default.fileExists(atPath: root + "/outcomes-2.csv"))
    }

    @Test("an export file already there is never overwritten: exit 73, nothing marked")
    func neverOverwrites() throws {
        let (root, _) = try Self.root()
        let file = root + "/outcomes.csv"
        try Data("not delivered yet".utf8).write(to: URL(fileURLWithPath: file))
        let result = try Executable.run(["export-outcomes", "--root", root, "--to", file])
        #expect(result.status == 73 && result.stderr.contains("EEXIST"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "not delivered yet")
        let store = try Executable.store(root)
        #expect(try store.read { try $0.rows("SELECT count(*) FROM trs_outbox WHERE exported_at IS NOT NULL") } == [["0"]])
    }

    @Test("killed after claiming the outcomes, or after placing the file, the next export ends as if never killed", arguments: [1, 2])
    func killed(_ point: Int) throws {
        let (reference, _) = try Self.root()
        #expect(try Executable.run(["export-outcomes", "--root", reference, "--to", reference + "/out.csv"]).status == 0)
        let expected = try String(contentsOfFile: reference + "/out.csv", encoding: .utf8)

        let (root, queued) = try Self.root()
        let file = root + "/out.csv"
        let killed = try Executable.run(["export-outcomes", "--root", root, "--to", file], environment: ["ECT_BATCH_KILL_EXPORT_AT": String(point)])
        #expect(killed.killedBySignal)
        #expect(FileManager.default.fileExists(atPath: file) == (point == 2))
        let again = try Executable.run(["export-outcomes", "--root", root, "--to", point == 2 ? root + "/out-2.csv" : file])
        #expect(again.status == 0, "\(again.stderr)")
        // One file holds every outcome, once; no second file carries any of them.
        let lines = { (text: String) in text.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(4).joined(separator: ",") } }
        let got = lines(try String(contentsOfFile: file, encoding: .utf8)), want = lines(expected)
        #expect(got == want, "got \(got.count): \(got.prefix(3)) … want \(want.count): \(want.prefix(3))")
        #expect(!FileManager.default.fileExists(atPath: root + "/out-2.csv"))
        let store = try Executable.store(root)
        #expect(try store.read { try $0.rows("SELECT count(*) FROM trs_outbox WHERE exported_at IS NOT NULL") } == [[String(queued)]])
    }
}
