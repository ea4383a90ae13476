import Domain
import Foundation
import Logging
import Parsers
import Testing
@testable import Pipeline
import Store
import TestSupport

@Suite("The run")
struct BatchRunTests {
    /// `accepted`, or the row's error codes, for every row of every result file.
    static func verdicts(in outbox: String) throws -> [(file: String, expect: String, got: String)] {
        var found: [(String, String, String)] = []
        let world = FileManager.default.enumerator(atPath: outbox)
        for case let relative as String in world! where relative.contains(".results.") {
            let path = outbox + "/" + relative
            func codes(_ errors: String) -> String {
                errors.split(separator: " | ").map { String($0.prefix(while: { $0 != ":" })) }.joined(separator: " ")
            }
            if relative.hasSuffix(".csv") {
                let csv = try HeaderedCSV(path: path, required: ["Status"])
                while try csv.advance() {
                    if csv["Status"] == "refused" { continue }  // a whole-file refusal: checked on its own
                    let warnings = csv["Warnings"].isEmpty ? "" : " " + codes(csv["Warnings"])
                    let got = csv["Status"] == "accepted" ? "accepted" + warnings : codes(csv["Errors"])
                    found.append((relative, csv["Expect"], got))
                }
            } else {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let records: [[String: Any]] = relative.hasSuffix(".json")
                    ? (try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any])["records"] as! [[String: Any]]
                    : text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
                for record in records {
                    let errors = (record["errors"] as! [[String: String]]).map { $0["code"]! }.joined(separator: " ")
                    let warnings = (record["warnings"] as! [[String: String]]).map { " " + $0["code"]! }.joined()
                    let got = record["status"] as! String == "accepted" ? "accepted" + warnings : errors
                    found.append((relative, record["expect"] as? String ?? "json.invalid", got))
                }
            }
        }
        return found
    }

    @Test("every sample row gets the verdict its Expect column names")
    func samples() throws {
        let world = try SampleWorld()
        let summary = try world.run()
        let verdicts = try Self.verdicts(in: world.root.outbox)
        #expect(verdicts.count >= 90)
        for verdict in verdicts {
            #expect(verdict.got == verdict.expect, "\(verdict.file): expected \(verdict.expect), got \(verdict.got)")
        }
        #expect(summary.files.count == 20)
        let notes = try String(contentsOfFile: world.root.outbox + "/appropriate-bodies/AB003/01-notes.results.csv", encoding: .utf8)
        #expect(notes.hasPrefix("Status,Errors\r\nrefused,\"file.unknown-kind: "))
        #expect(!notes.contains("3000060"), "no row of a file with no template is echoed")
        #expect(summary.files.filter { $0.outcome == .processed }.count == 16)
    }

    @Test("the run says where its time went, stage by stage")
    func timings() throws {
        let world = try SampleWorld()
        let started = Date()
        let summary = try world.run()
        let wall = Date().timeIntervalSince(started)
        for stage in StageTimings.Stage.allCases {
            #expect(summary.timings.nanoseconds[stage] != nil, "\(stage) was not measured")
        }
        // The stages of the run's own thread add up to no more than the run took; the TRS
        // load, fingerprints and first passes run beside them, on a second thread, and the
        // end's sync and deletes (in `commit`) beside the reports. The whole call is the
        // measure: the summary's own duration ends before the reports.
        let beside: Set<StageTimings.Stage> = [.trs, .fingerprint, .scan]
        let staged = StageTimings.Stage.allCases.filter { !beside.contains($0) }.reduce(0.0) { $0 + summary.timings.seconds($1) }
        #expect(staged <= wall + summary.timings.seconds(.reports) + 0.05)
        #expect(Double(summary.milliseconds) / 1000 <= wall)
    }

    @Test("every processed input leaves the inbox for the archive; refused ones for quarantine")
    func filesMove() throws {
        let world = try SampleWorld()
        // During the run an input is claimed into tmp/inputs/ before it is read (see
        // ClaimedInputs); a committed one waits there until the run ends.
        var claimedDuringRun: [Int] = []
        _ = try BatchRun(options: .init(root: world.root, asOf: SampleWorld.asOf, runID: "run-1"),
                         logger: .init(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })) { _, _ in
            claimedDuringRun.append((try? world.files(under: world.root.temporary + "/inputs").count) ?? 0)
        }.run()
        #expect(claimedDuringRun.last == 16, "the 16 committed inputs wait in tmp/inputs until the end: \(claimedDuringRun)")
        #expect(try world.files(under: world.root.temporary).isEmpty)
        #expect(try world.files(under: world.root.inbox).isEmpty)
        #expect(world.archived().count == 16)
        #expect(Set(try world.files(under: world.root.quarantine).keys) == [
            "appropriate-bodies/AB003/01-notes.csv", "appropriate-bodies/AB003/02-broken.csv",
            "appropriate-bodies/AB999/claims.csv", "appropriate-bodies/AB999/claims.csv.reason.txt",
            "schools/100006/01-claims.csv",
        ])
    }

    @Test("the same files again are not applied twice: results re-issued byte for byte")
    func rerun() throws {
        let world = try SampleWorld()
        _ = try world.run(runID: "first")
        let results = try world.files(under: world.root.outbox)
        let store = try world.storeDump()
        try world.copyInbox()
        let second = try world.run(runID: "second")
        #expect(second.files.filter { $0.outcome == .reissued }.count == 16)
        #expect(second.accepted == 0 || second.files.allSatisfy { $0.outcome != .processed })
        #expect(try world.storeDump() == store)
        #expect(try world.files(under: world.root.outbox) == results)
    }

    @Test("two fresh runs over the same inputs give byte-identical results and store contents")
    func deterministic() throws {
        let a = try SampleWorld(), b = try SampleWorld()
        _ = try a.run(runID: "a")
        _ = try b.run(runID: "b")
        #expect(try a.files(under: a.root.outbox) == b.files(under: b.root.outbox))
        #expect(a.archived() == b.archived())
        #expect(try a.storeDump() == b.storeDump())
    }

    @Test("no date of birth or NINO from the inputs reaches the store, results, archive or reports")
    func noPersonalData() throws {
        let world = try SampleWorld()
        let extract = try TRSExtractReader.read(path: world.root.trs + "/trs.csv")
        _ = try world.run()
        var outputs = try world.files(under: world.root.outbox).values.map { $0 }
        outputs += world.archived().values
        outputs += try world.files(under: world.root.reports).values
        for name in ["ect.sqlite", "ect.sqlite-wal"] {
            if let bytes = FileManager.default.contents(atPath: world.root.path + "/" + name) { outputs.append(bytes) }
        }
        let needles = extract.records.compactMap { $0.dateOfBirth?.iso } + ["14/03/1995", "1990-02-30"]
            + extract.records.compactMap(\.nationalInsuranceNumber) + ["QQ123456C", "AB999999A"]
        for needle in Set(needles) {
            for output in outputs {
                #expect(output.range(of: Data(needle.utf8)) == nil, "found \(needle)")
            }
        }
    }

    @Test("a run while another holds the lock stops at once")
    func lock() throws {
        let world = try SampleWorld()
        do {
            let held = try RunLock(path: world.root.lock)
            #expect { try world.run() } throws: { error in
                if case RunError.lockHeld = error { return true } else { return false }
            }
            withExtendedLifetime(held) {}
        }
        #expect(try world.run().files.count == 20)
    }

    @Test("symbolic links, .part files and hidden files are left in the inbox")
    func leftAlone() throws {
        let world = try SampleWorld()
        let folder = world.root.inbox + "/appropriate-bodies/AB001"
        try FileManager.default.createSymbolicLink(atPath: folder + "/link.csv", withDestinationPath: "/etc/passwd")
        try Data("TRN\n".utf8).write(to: URL(fileURLWithPath: folder + "/upload.csv.part"))
        try Data("TRN\n".utf8).write(to: URL(fileURLWithPath: folder + "/.hidden.csv"))
        let summary = try world.run()
        #expect(Set(try world.files(under: world.root.inbox).keys) == [
            "appropriate-bodies/AB001/link.csv", "appropriate-bodies/AB001/upload.csv.part",
            "appropriate-bodies/AB001/.hidden.csv",
        ])
        #expect(summary.notices.map(\.reason).sorted { "\($0)" < "\($1)" } == [.notRegularFile, .stillArriving, .stillArriving])
    }

    @Test("files modified within the settle time wait for the next run")
    func settle() throws {
        let world = try SampleWorld()
        let path = world.root.inbox + "/appropriate-bodies/AB002/01-claims.csv"
        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        let summary = try world.run(settle: 60)
        #expect(!summary.files.contains { $0.file.path == path })
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test("a root without reference data is a configuration error")
    func noReference() throws {
        let folder = Scratch.path("ect-empty")
        let root = DataRoot(path: folder, store: try TestStore.location(for: folder))
        try FileManager.default.createDirectory(atPath: root.path, withIntermediateDirectories: true)
        let run = BatchRun(options: .init(root: root, asOf: SampleWorld.asOf, runID: "x"), logger: .init(label: "t"))
        #expect { try run.run() } throws: { error in
            guard let error = error as? RunError, case .configuration = error else { return false }
            return error.exitCode == 78
        }
    }

    @Test("a later file with the same stem gets a numbered result")
    func sameStem() throws {
        let world = try SampleWorld()
        let folder = world.root.inbox + "/appropriate-bodies/AB002"
        try FileManager.default.copyItem(atPath: folder + "/01-claims.csv", toPath: folder + "/01-claims.txt")
        _ = try world.run()
        let names = try FileManager.default.contentsOfDirectory(atPath: world.root.outbox + "/appropriate-bodies/AB002").sorted()
        #expect(names.contains("01-claims.results.csv") && names.contains("01-claims-2.results.csv"))
    }
}

@Suite("Bad input")
struct BadInputTests {
    /// Drops `bytes` into AB001's inbox as `name`.
    func drop(_ world: SampleWorld, _ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: world.root.inbox + "/appropriate-bodies/AB001/" + name))
    }

    func result(_ world: SampleWorld, _ name: String) throws -> String {
        try String(contentsOfFile: world.root.outbox + "/appropriate-bodies/AB001/" + name, encoding: .utf8)
    }

    @Test("each bad file gets a clear result and the good files are still processed")
    func hostile() throws {
        let world = try SampleWorld()
        try drop(world, "90-empty.csv", [])
        try drop(world, "91-binary.csv", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x00, 1, 2])
        try drop(world, "98-zip.csv", [0x50, 0x4B, 0x03, 0x04, 0, 0, 1, 2])
        let utf16 = "TRN,Date of birth,Number of terms\r\n3000001,1990-01-01,2\r\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        try drop(world, "92-utf16.csv", [0xFF, 0xFE] + utf16)
        try drop(world, "97-billion-laughs.xml", Array("<!DOCTYPE l [<!ENTITY l \"l\"><!ENTITY l2 \"&l;&l;\">]><submission kind=\"claims\"><record><trn>&l2;</trn></record></submission>".utf8))
        try drop(world, "93-bad.json", Array("{\"kind\": \"claims\", \"records\": [{\"trn\": ".utf8))
        try drop(world, "94-header-only.csv", Array("TRN,Date of birth,Number of terms\n".utf8))
        try drop(world, "95-latin1.csv", Array("TRN,Date of birth,Number of terms\n1234567,1990-01-01,2\n3000001,Ren".utf8) + [0xE9, 0x0A])
        try drop(world, "96-kind.json", Array("{\"kind\": \"appraisals\", \"records\": []}".utf8))
        let summary = try world.run()
        #expect(summary.files.filter { $0.outcome == .processed }.count == 17)
        #expect(try result(world, "90-empty.results.csv").hasPrefix("Status,Errors\r\nrefused,file.empty: "))
        #expect(try result(world, "91-binary.results.csv").hasPrefix("Status,Errors\r\nrefused,\"file.binary: "))
        // A zip archive is taken for a workbook, and refused as one that cannot be read.
        #expect(try result(world, "98-zip.results.csv").hasPrefix("Status,Errors\r\nrefused,\"xlsx.invalid: The file is a zip archive that cannot be read."))
        // UTF-16 is read: the row is validated (its date of birth does not match TRS).
        #expect(try result(world, "92-utf16.results.csv") == "TRN,Date of birth,Number of terms,Status,Errors,Warnings,Extension ID\r\n3000001,,2,rejected,trs.mismatch: The date of birth does not match the Teaching Record System record for TRN 3000001. Check both the TRN and the date of birth.,,\r\n")
        #expect(try result(world, "97-billion-laughs.results.csv").contains("refused,\"xml.doctype-not-allowed: "))
        #expect(try result(world, "93-bad.results.json").contains("\"status\":\"refused\""))
        #expect(try result(world, "93-bad.results.json").contains("json.invalid"))
        #expect(try result(world, "96-kind.results.json").contains("json.unknown-kind"))
        // A Latin-1 file: the readable first row is echoed, rejected with the file's code.
        let latin1 = try result(world, "95-latin1.results.csv")
        #expect(latin1.contains("1234567,,2,rejected,\"file.encoding: Line 3: "))
        #expect(!latin1.contains("Ren"))
        // A header-only file is refused as empty, as DfE's own upload does.
        #expect(try result(world, "94-header-only.results.csv").hasPrefix("Status,Errors\r\nrefused,\"file.empty: The file has a header row but no rows"))
        for name in ["90-empty.csv", "91-binary.csv", "93-bad.json", "94-header-only.csv", "95-latin1.csv", "96-kind.json", "97-billion-laughs.xml", "98-zip.csv"] {
            #expect(FileManager.default.fileExists(atPath: world.root.quarantine + "/appropriate-bodies/AB001/" + name), "\(name)")
        }
    }

    @Test("DfE's blank templates, uploaded as they are, are refused as empty", arguments: [
        ("bulk-claims-template.csv", "TRN,Date of birth,Induction programme,Induction period start date\n"),
        ("bulk-actions-template.csv", "TRN,Date of birth,Induction period end date,Number of terms,Outcome\r\n\r\n\r\n"),
        ("no-records.json", "{\"kind\": \"claims\", \"records\": []}"),
    ])
    func blankTemplates(_ name: String, _ text: String) throws {
        let world = try SampleWorld()
        try drop(world, name, Array(text.utf8))
        let summary = try world.run()
        let report = try #require(summary.files.first { $0.file.name == name })
        #expect(report.outcome == .refused(Problem(.fileEmpty, "The file has a header row but no rows, so there is nothing to do. Add a row for each teacher under the header, then upload it again.")))
        #expect(FileManager.default.fileExists(atPath: world.root.quarantine + "/appropriate-bodies/AB001/" + name))
    }

    @Test("a refused file with a header and no rows still says why")
    func refusedHeaderOnly() throws {
        let world = try SampleWorld()
        let folder = world.root.inbox + "/schools/100006"
        try Data("TRN,Date of birth,Induction programme,Induction period start date\n".utf8)
            .write(to: URL(fileURLWithPath: folder + "/02-empty-claims.csv"))
        _ = try world.run()
        let text = try String(contentsOfFile: world.root.outbox + "/schools/100006/02-empty-claims.results.csv", encoding: .utf8)
        #expect(text.hasPrefix("Status,Errors\r\nrefused,\"file.kind-not-allowed: "))
    }
}

@Suite("Refused, then accepted")
struct RefusedThenAcceptedTests {
    @Test("bytes once refused are processed when they become acceptable, without a duplicate record")
    func refusalForgotten() throws {
        let world = try SampleWorld()
        // Refused first: the submitter's kind may not send claims.
        let store = try Store(location: world.root.store)
        let path = world.root.inbox + "/appropriate-bodies/AB002/01-claims.csv"
        let sha = try Fingerprint.sha256(path: path)
        try store.write { tx in
            _ = try tx.insertSubmission(.init(submitter: Submitter(kind: .appropriateBodies, id: "AB002"), fileName: "01-claims.csv",
                                              sha256: sha, refusal: Problem(.fileUnknownKind, "old refusal"), asOf: SampleWorld.asOf,
                                              processedAt: "earlier"))
        }
        let summary = try world.run()
        let report = try #require(summary.files.first { $0.file.inboxPath == path })
        #expect(report.outcome == .processed)
        #expect(try store.read { try $0.rows("SELECT status FROM submissions WHERE sha256 = ?", [sha]) } == [["processed"]])
    }
}

@Suite("Awkward names and sizes")
struct AwkwardInputTests {
    @Test("names with spaces and control characters are processed, and escaped in logs")
    func names() throws {
        let world = try SampleWorld()
        let folder = world.root.inbox + "/appropriate-bodies/AB002"
        let name = "my claims\nfile\u{7}.csv"
        try FileManager.default.copyItem(atPath: folder + "/01-claims.csv", toPath: folder + "/" + name)
        _ = try world.run()
        #expect(FileManager.default.fileExists(atPath: world.root.outbox + "/appropriate-bodies/AB002/my claims\nfile\u{7}.results.csv"))
        #expect(name.loggable == "my claims\\u{A}file\\u{7}.csv")
    }

    @Test("a 50 MB single line refuses its file and leaves the others")
    func hugeLine() throws {
        let world = try SampleWorld()
        let path = world.root.inbox + "/appropriate-bodies/AB001/99-huge.csv"
        var bytes = Array("TRN,Date of birth,Number of terms\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 50 << 20)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let summary = try world.run()
        #expect(summary.files.filter { $0.outcome == .processed }.count == 16)
        let report = try #require(summary.files.first { $0.file.name == "99-huge.csv" })
        #expect(report.outcome == .refused(Problem(.lineTooLong, "Line 2: A row is longer than 1024 KB. Check the file is a submission and that every quote is closed.")))
    }
}
