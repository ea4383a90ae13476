import Foundation
import Testing

@Suite("The ect-batch command")
struct CommandLineTests {
    @Test("--help explains the commands and the exit codes, and exits 0")
    func help() throws {
        let result = try Executable.run(["--help"])
        #expect(result.status == 0)
        for word in ["run", "load-reference", "Exit codes", "75 another run holds"] {
            #expect(result.stdout.contains(word), "\(word)")
        }
        let run = try Executable.run(["run", "--help"])
        #expect(run.status == 0 && run.stdout.contains("--as-of") && run.stdout.contains(".part"))
    }

    @Test("a usage error exits 64", arguments: [["run", "--as-of", "2026-02-30"], ["run", "--bogus"], ["load-reference"], ["run", "-v", "-q"]])
    func usage(_ arguments: [String]) throws {
        #expect(try Executable.run(arguments).status == 64)
    }

    @Test("a root without reference data exits 78 with a message saying what to do")
    func configuration() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ect-e2e-empty-\(UUID().uuidString)").path
        let result = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("load-reference"))
    }

    @Test("the sample run exits 0, reports its counts on stdout and logs each file on stderr")
    func sampleRun() throws {
        let root = try Executable.sampleRoot()
        let result = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("19 files, 51 rows accepted, 90 rejected; 3 files refused, 1 quarantined, 0 re-issued"))
        #expect(result.stderr.contains("AB001/01-claims.csv: claims, 47 rows, 22 accepted, 25 rejected"))
        #expect(FileManager.default.fileExists(atPath: root + "/outbox/appropriate-bodies/AB001/01-claims.results.csv"))
        let quiet = try Executable.run(["run", "--root", root, "--as-of", "2026-11-20", "--quiet"])
        #expect(quiet.status == 0 && quiet.stderr.isEmpty)
    }
}
