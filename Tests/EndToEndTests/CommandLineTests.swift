import Foundation
import Store
import Testing
import TestSupport

@Suite("The ect-batch command")
struct CommandLineTests {
    @Test("--help explains the commands and the exit codes, and exits 0")
    func help() throws {
        let result = try Executable.run(["--help"])
        #expect(result.status == 0)
        for word in ["run", "validate", "load-reference", "deliver", "export-outcomes", "Exit codes", "69 TRS's API", "75 another run"] {
            #expect(result.stdout.contains(word), "\(word)")
        }
        let run = try Executable.run(["run", "--help"])
        #expect(run.status == 0 && run.stdout.contains("--as-of") && run.stdout.contains(".part"))
    }

    @Test("`archived` finds a submitter's processed file by name and prints it as archived; --list, --to; an unknown name exits 66")
    func archived() throws {
        let root = try Executable.sampleRoot()
        #expect(try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"]).status == 0)
        let archive = Folder.archived(under: root + "/archive")
        for (name, submitter, entry) in [("01-claims.csv", "appropriate-bodies:AB001", "appropriate-bodies/AB001/01-claims.csv"),
                                         ("04-extensions.xml", "appropriate-bodies:AB002", "appropriate-bodies/AB002/04-extensions.xml.csv")] {
            let printed = try Executable.run(["archived", name, "--as", submitter, "--root", root])
            #expect(printed.status == 0, "\(printed.stderr)")
            let expected = try #require(archive["2026-11-20/" + entry])
            #expect(Data(printed.stdout.utf8) == expected, "\(name)")
            #expect(!printed.stdout.contains("1978-08-17"), "no date of birth in the archive")
            let listed = try Executable.run(["archived", name, "--as", submitter, "--root", root, "--list"])
            #expect(listed.stdout.hasPrefix("2026-11-20\t\(root)/archive/2026-11-20/") && listed.stdout.hasSuffix("\t\(entry)\n"))
        }
        let copy = Scratch.path("ect-archived") + ".csv"
        #expect(try Executable.run(["archived", "01-claims.csv", "--as", "appropriate-bodies:AB001", "--root", root, "--to", copy]).status == 0)
        #expect(FileManager.default.contents(atPath: copy) == archive["2026-11-20/appropriate-bodies/AB001/01-claims.csv"])
        let missing = try Executable.run(["archived", "nope.csv", "--as", "appropriate-bodies:AB001", "--root", root])
        #expect(missing.status == 66 && missing.stderr.contains("no file nope.csv"), "\(missing.stderr)")
        let otherDay = try Executable.run(["archived", "01-claims.csv", "--as", "appropriate-bodies:AB001", "--root", root, "--as-of", "2026-11-21"])
        #expect(otherDay.status == 66)
    }

    @Test("a usage error exits 64", arguments: [["run", "--as-of", "2026-02-30"], ["run", "--bogus"], ["load-reference"], ["run", "-v", "-q"],
                                                ["report", "--store", "/tmp/elsewhere.sqlite"]])
    func usage(_ arguments: [String]) throws {
        #expect(try Executable.run(arguments).status == 64)
    }

    @Test("a root without reference data exits 78 with a message saying what to do")
    func configuration() throws {
        let root = Scratch.path("ect-e2e-empty")
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let result = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("load-reference"))
    }

    @Test("a data root that does not exist exits 66 and is not made", arguments: ["run", "report", "validate"])
    func missingRoot(_ command: String) throws {
        let root = Scratch.path("ect-e2e-missing")
        var arguments = [command, "--root", root]
        if command == "validate" {
            arguments += [Executable.packageRoot + "/samples/inbox/appropriate-bodies/AB001/01-claims.csv", "--as", "appropriate-bodies:AB001"]
        }
        let result = try Executable.run(arguments)
        #expect(result.status == 66, "\(result.stderr)")
        #expect(result.stderr.contains(root) && result.stderr.contains("ENOENT"))
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test("load-reference takes GIAS downloads as published: Windows-1252, any URN length, unusable lines reported by file and line")
    func loadGIAS() throws {
        let root = Scratch.path("ect-e2e-gias")
        let folder = Scratch.path("ect-e2e-gias-files")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // "St Zoë’s – École" in Windows-1252, a children's centre with a five-digit URN, a bad URN.
        var establishments = Array("URN,EstablishmentName,TypeOfEstablishment (name),Trusts (code),LA (code)\r\n100001,St Zo".utf8)
        establishments += [0xEB, 0x92] + Array("s ".utf8) + [0x96] + Array(" ".utf8) + [0xC9] + Array("cole,Community school,4001,201\r\n".utf8)
        establishments += Array("20001,Sure Start Centre,Children's centre,,201\r\nN/A,Nowhere,Miscellaneous,,201\r\n".utf8)
        try Data(establishments).write(to: URL(fileURLWithPath: folder + "/edubasealldata.csv"))
        try Data("Group UID,Group Name,Group Type\r\n4001,Trust One,Multi-academy trust\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/allgroupsdata.csv"))
        let result = try Executable.run(["load-reference", "--root", root, "--schools", folder + "/edubasealldata.csv",
                                         "--trusts", folder + "/allgroupsdata.csv"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("edubasealldata.csv: 2 establishments (read as Windows-1252), 1 line(s) left out (see stderr); 1 with six-digit URNs"))
        #expect(result.stdout.contains("allgroupsdata.csv: 1 groups"))
        #expect(result.stderr.contains("edubasealldata.csv line 4: left out: the URN \"N/A\" is not a number"))
        let store = try Executable.store(root)
        let rows = try store.read { try $0.rows("SELECT urn, name FROM schools ORDER BY urn") }
        #expect(rows == [["100001", "St Zoë’s – École"], ["20001", "Sure Start Centre"]])
    }

    @Test("stdout, the log, the store and the run report's summary.json give the same counts, re-issued files and all")
    func oneSourceOfCounts() throws {
        let root = try Executable.sampleRoot()
        #expect(try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"]).status == 0)
        // The same bytes again (re-issued) and a new unknown submitter's file (quarantined).
        try FileManager.default.copyItem(atPath: Executable.packageRoot + "/samples/inbox/appropriate-bodies/AB001/01-claims.csv",
                                        toPath: root + "/inbox/appropriate-bodies/AB001/01-claims.csv")
        try FileManager.default.createDirectory(atPath: root + "/inbox/appropriate-bodies/AB998", withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/inbox/appropriate-bodies/AB998/a.csv"))
        let second = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        let line = "2 files (0 processed, 0 refused, 1 quarantined, 1 re-issued); 0 rows accepted, 0 rejected"
        #expect(second.stdout.contains(line), "\(second.stdout)")
        #expect(second.stderr.contains(line))
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/reports/runs").sorted()
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/reports/runs/" + runs.last! + "/summary.json"))) as! [String: Any]
        let headlines = summary["headlines"] as! [String: Any]
        #expect(headlines["files"] as? Int == 2 && headlines["reissued"] as? Int == 1 && headlines["quarantined"] as? Int == 1)
        #expect(headlines["accepted"] as? Int == 0 && headlines["rejected"] as? Int == 0)
        let store = try Executable.store(root)
        let kept = try store.read { try $0.rows("SELECT files_reissued, files_quarantined, rows_accepted FROM runs ORDER BY id") }
        #expect(kept == [["0", "1", "52"], ["1", "1", "0"]])
    }

    @Test("the sample run exits 0, reports its counts on stdout and logs each file on stderr")
    func sampleRun() throws {
        let root = try Executable.sampleRoot()
        let result = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("20 files (16 processed, 3 refused, 1 quarantined, 0 re-issued); 52 rows accepted, 89 rejected"))
        #expect(result.stderr.contains("AB001/01-claims.csv: claims, 47 rows, 22 accepted, 25 rejected"))
        #expect(FileManager.default.fileExists(atPath: root + "/outbox/appropriate-bodies/AB001/01-claims.results.csv"))
        let quiet = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20", "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }

    @Test("validate prints each row's verdict, changes nothing, and exits 65 when a row would be rejected")
    func validate() throws {
        let root = try Executable.sampleRoot()
        let claims = root + "/inbox/appropriate-bodies/AB001/01-claims.csv"
        let table = try Executable.run(["validate", claims, "--as", "appropriate-bodies:AB001", "--root", root, "--as-of", "2026-11-20"])
        #expect(table.status == 65)
        #expect(table.stdout.contains("row 3: accepted\n"))
        #expect(table.stdout.contains("row 10: rejected\n    trn.missing: The TRN is missing."))
        #expect(table.stdout.contains("claims (csv) from appropriate-bodies:AB001: 47 rows, 22 would be accepted, 25 rejected. Nothing was changed."))
        #expect(FileManager.default.fileExists(atPath: claims))
        #expect(!FileManager.default.fileExists(atPath: root + "/outbox"))

        let json = try Executable.run(["validate", claims, "--as", "appropriate-bodies:AB001", "--root", root, "--as-of", "2026-11-20", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(object["status"] as? String == "checked")
        #expect((object["rows"] as! [Any]).count == 47)

        let clean = root + "/clean.csv"
        try Data("TRN,Date of birth,Induction programme,Induction period start date\n3000001,1978-08-17,provider-led,2026-09-01\n".utf8)
            .write(to: URL(fileURLWithPath: clean))
        let accepted = try Executable.run(["validate", clean, "--as", "appropriate-bodies:AB001", "--root", root, "--as-of", "2026-11-20"])
        #expect(accepted.status == 0, "\(accepted.stdout)")
        let refused = try Executable.run(["validate", claims, "--as", "schools:100006", "--root", root])
        #expect(refused.status == 65 && refused.stdout.contains("The file would be refused: file.kind-not-allowed"))
        #expect(try Executable.run(["validate", claims, "--as", "nobody:1", "--root", root]).status == 64)
    }

    @Test("--verbose logs each row's status and codes, never a date of birth")
    func verbose() throws {
        let root = try Executable.sampleRoot()
        let result = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20", "--verbose"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("appropriate-bodies:AB001/01-claims.csv row 10: rejected trn.missing"))
        #expect(result.stderr.contains("schools:100006/02-registrations.csv row 3: accepted name.differs-from-trs"))
        let birthDates = try String(contentsOfFile: root + "/trs/trs.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[4] }
        for date in Set(birthDates) { #expect(!result.stderr.contains(date), "\(date)") }
    }
}
