import Domain
import Parsers
import Foundation
import Testing
@testable import Pipeline
import Store

/// Schools and trusts registering ECTs and mentors, through whole runs.
@Suite("Schools and trusts")
struct SchoolRegistrationTests {
    let header = "TRN,Date of birth,National insurance number,Email,School start date,School URN\n"

    func dateOfBirth(_ world: SampleWorld, _ trn: Int) throws -> String {
        let extract = try Parsers.TRSExtractReader.read(path: world.root.trs + "/trs.csv")
        return extract.records.first { $0.trn.value == trn }!.dateOfBirth!.iso
    }

    func registrations(_ world: SampleWorld, _ trn: String) throws -> [[String]] {
        try Store(location: world.root.store).read {
            try $0.rows("SELECT school_urn, start_date, end_date FROM school_registrations WHERE trn = ? AND role = 'ect' ORDER BY id", [trn])
        }
    }

    /// An inbox with only the given files.
    func world(_ files: [String: String]) throws -> SampleWorld {
        let world = try SampleWorld()
        try FileManager.default.removeItem(atPath: world.root.inbox)
        for (path, text) in files {
            let full = world.root.inbox + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
        return world
    }

    @Test("a transfer between two schools in two runs closes the first registration the day before the second")
    func transferInTwoRuns() throws {
        let world = try world([:])
        let dob = try dateOfBirth(world, 3_000_055)
        try world.copyFile("schools/100007/a.csv", header + "3000055,\(dob),,a@hill.sch.uk,2026-09-01,\n")
        _ = try world.run(runID: "one")
        try world.copyFile("trusts/4001/b.csv", header + "3000055,\(dob),,a@riverside.org.uk,2026-11-02,100003\n")
        _ = try world.run(runID: "two")
        #expect(try registrations(world, "3000055") == [["100007", "2026-09-01", "2026-11-01"], ["100003", "2026-11-02", "NULL"]])
        let events = try Store(location: world.root.store).read { try $0.rows("SELECT name FROM events WHERE trn = '3000055' ORDER BY id") }
        #expect(events == [["ect.registered"], ["ect.transferred"], ["ect.registered"]])
    }

    @Test("a trust file spans several of its schools; other schools' rows are refused one by one")
    func trustFile() throws {
        let world = try world([:])
        var text = header
        for (trn, urn) in [(3_000_051, "100001"), (3_000_052, "100002"), (3_000_053, "100003"), (3_000_054, "100004")] {
            text += "\(trn),\(try dateOfBirth(world, trn)),,t\(trn)@riverside.org.uk,2026-09-01,\(urn)\n"
        }
        try world.copyFile("trusts/4001/all.csv", text)
        let summary = try world.run()
        #expect(summary.accepted == 3 && summary.rejected == 1)
        #expect(try registrations(world, "3000053") == [["100003", "2026-09-01", "NULL"]])
        #expect(try registrations(world, "3000054").isEmpty)
        let result = try String(contentsOfFile: world.root.outbox + "/trusts/4001/all.results.csv", encoding: .utf8)
        #expect(result.contains("3000054,,,t3000054@riverside.org.uk,2026-09-01,100004,rejected,urn.not-yours: School 100004 (Oakfield Juniors) is not one of your trust's schools."))
    }

    @Test("a NINO rescues a wrong date of birth; a school cannot use another school's URN")
    func ninoAndURN() throws {
        let world = try world([:])
        let extract = try Parsers.TRSExtractReader.read(path: world.root.trs + "/trs.csv")
        let nino = extract.records.first { $0.trn.value == 3_000_056 }!.nationalInsuranceNumber!
        try world.copyFile("schools/100007/a.csv", header
            + "3000056,1970-01-01,\(nino),n@hill.sch.uk,2026-09-01,\n"
            + "3000057,\(try dateOfBirth(world, 3_000_057)),,m@hill.sch.uk,2026-09-01,100008\n")
        let summary = try world.run()
        #expect(summary.accepted == 1 && summary.rejected == 1)
        #expect(try registrations(world, "3000056") == [["100007", "2026-09-01", "NULL"]])
        #expect(try registrations(world, "3000057").isEmpty)
        let result = try String(contentsOfFile: world.root.outbox + "/schools/100007/a.results.csv", encoding: .utf8)
        #expect(!result.contains(nino))
        #expect(result.contains("urn.not-yours"))
    }

    @Test("a rejected row changes nothing")
    func rejectedRowChangesNothing() throws {
        let world = try world([:])
        try world.copyFile("schools/100007/a.csv", header + "3000058,\(try dateOfBirth(world, 3_000_058)),,bad-email,2026-09-01,\n")
        let summary = try world.run()
        #expect(summary.rejected == 1)
        let store = try Store(location: world.root.store)
        #expect(try store.read { try $0.rows("SELECT count(*) FROM teachers") } == [["0"]])
        #expect(try store.read { try $0.rows("SELECT count(*) FROM events") } == [["0"]])
    }
}

extension SampleWorld {
    /// Writes `text` into the inbox at `path`.
    func copyFile(_ path: String, _ text: String) throws {
        let full = root.inbox + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
    }
}
