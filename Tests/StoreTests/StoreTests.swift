import Foundation
import Domain
import Testing
@testable import Store
import GRDBSQLite
import TestSupport

@Suite("The store")
struct StoreTests {
    let store: Store
    let submitter = Submitter(kind: .appropriateBodies, id: "AB001")
    let trn = TRN(value: 1_234_567)!
    let day = Day(iso: "2026-11-20")!

    init() throws {
        let folder = Scratch.path("ect-store")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try Store(location: TestStore.location(for: folder))
        try store.write { tx in
            try tx.upsert(ReferenceData(schools: [School(urn: "100001", name: "A"), School(urn: "100002", name: "B")],
                                        appropriateBodies: [AppropriateBody(id: "AB001", name: "Hub"), AppropriateBody(id: "AB002", name: "Other")]))
        }
    }

    func submission(_ tx: StoreTransaction, sha: Character = "a") throws -> Int64 {
        try tx.insertSubmission(.init(submitter: submitter, fileName: "f.csv", sha256: String(repeating: sha, count: 64),
                                      kind: .claims, format: .csv, asOf: day, processedAt: "now"))
    }

    func open(_ start: String = "2025-09-01", ab: String = "AB001", notify: Bool = true) -> Change {
        .openInduction(OpenInduction(trn: trn, trsName: TeacherName(first: "Ada", last: "Lovelace"), appropriateBodyID: ab,
                                     start: Day(iso: start)!, programme: .providerLed, notifyTRS: notify))
    }

    func close(_ id: Int64, _ outcome: Outcome, end: String = "2026-07-20") -> Change {
        .closeInduction(CloseInduction(trn: trn, periodID: id, end: Day(iso: end)!, terms: Terms(tenths: 30), outcome: outcome,
                                       failConfirmationSentOn: outcome == .fail ? Day(iso: end) : nil, inductionStart: Day(iso: "2025-09-01")!))
    }

    @Test("an opened period reads back as the teacher's history, with an event and a TRS message")
    func openReadsBack() throws {
        let history = try store.write { tx in
            let id = try submission(tx)
            try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
            return try tx.history(of: trn)
        }
        #expect(history.isKnown)
        #expect(history.openPeriod?.appropriateBodyID == "AB001")
        #expect(history.openPeriod?.start == Day(iso: "2025-09-01"))
        let counts = try store.read { try $0.rows("SELECT (SELECT count(*) FROM events), (SELECT induction_status FROM trs_outbox)") }
        #expect(counts == [["1", "InProgress"]])
    }

    @Test("closing with a pass records the outcome and queues Passed for TRS")
    func pass() throws {
        let history = try store.write { tx in
            let id = try submission(tx)
            try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
            try tx.apply(close(1, .pass), from: .init(submissionID: id, row: 3, asOf: day))
            return try tx.history(of: trn)
        }
        #expect(history.outcome == .pass)
        #expect(history.openPeriod == nil)
        let outbox = try store.read { try $0.rows("SELECT induction_status, start_date, completion_date FROM trs_outbox ORDER BY id") }
        #expect(outbox == [["InProgress", "2025-09-01", "NULL"], ["Passed", "2025-09-01", "2026-07-20"]])
    }

    @Test("the schema refuses a second open period for one teacher")
    func oneOpenPeriod() throws {
        #expect(throws: (any Error).self) {
            try store.write { tx in
                let id = try submission(tx)
                try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
                try tx.apply(open("2026-01-01", ab: "AB002"), from: .init(submissionID: id, row: 3, asOf: day))
            }
        }
        // The failed transaction left nothing behind.
        #expect(try store.read { try $0.rows("SELECT count(*) FROM submissions") } == [["0"]])
    }

    @Test("the schema refuses a second outcome for one teacher")
    func oneOutcome() throws {
        #expect(throws: (any Error).self) {
            try store.write { tx in
                let id = try submission(tx)
                try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
                try tx.apply(close(1, .pass), from: .init(submissionID: id, row: 3, asOf: day))
                try tx.apply(open("2026-08-01", notify: false), from: .init(submissionID: id, row: 4, asOf: day))
                try tx.apply(close(2, .fail, end: "2026-09-01"), from: .init(submissionID: id, row: 5, asOf: day))
            }
        }
    }

    @Test("closing a period that is not open is refused")
    func closeTwice() throws {
        #expect(throws: StoreError.self) {
            try store.write { tx in
                let id = try submission(tx)
                try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
                try tx.apply(close(1, .release), from: .init(submissionID: id, row: 3, asOf: day))
                try tx.apply(close(1, .release), from: .init(submissionID: id, row: 4, asOf: day))
            }
        }
    }

    @Test("extensions are added with a new ID and updated by that ID")
    func extensions() throws {
        let (added, updated, history) = try store.write { tx in
            let id = try submission(tx)
            try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
            let added = try tx.apply(.extend(ExtendInduction(trn: trn, terms: Terms(tenths: 20), existingID: nil)),
                                     from: .init(submissionID: id, row: 3, asOf: day))
            let updated = try tx.apply(.extend(ExtendInduction(trn: trn, terms: Terms(tenths: 35), existingID: added)),
                                       from: .init(submissionID: id, row: 4, asOf: day))
            return (added, updated, try tx.history(of: trn))
        }
        #expect(added != nil && added == updated)
        #expect(history.extensions == [Extension(id: added!, terms: Terms(tenths: 35))])
    }

    @Test("a submission is found again by submitter and fingerprint, with its verdicts")
    func submissionsAndVerdicts() throws {
        try store.write { tx in
            let id = try submission(tx)
            try tx.recordVerdict(submissionID: id, row: 3, trn: trn, verdict: .rejected(Problem(.trnFormat, "bad"), Problem(.dobAge, "old")), extensionID: nil)
            try tx.recordVerdict(submissionID: id, row: 2, trn: trn, verdict: Verdict(), extensionID: 9)
            try tx.finishSubmission(id, accepted: 1, rejected: 1, durationMilliseconds: 1,
                                    archive: ArchiveLocation(bundle: "2026-11-20/r1.tar", entry: "a/b/c.csv", offset: 1024, length: 1536))
        }
        let found = try store.read { try $0.submission(from: submitter, sha256: String(repeating: "a", count: 64)) }
        #expect(found?.rowsAccepted == 1 && found?.rowsRejected == 1)
        #expect(found?.archive == ArchiveLocation(bundle: "2026-11-20/r1.tar", entry: "a/b/c.csv", offset: 1024, length: 1536))
        #expect(try store.read { try $0.archiveEnd(of: "2026-11-20/r1.tar") } == 2560)
        #expect(try store.read { try $0.archiveEnd(of: "2026-11-20/r2.tar") } == 0)
        #expect(try store.read { try $0.submission(from: Submitter(kind: .appropriateBodies, id: "AB002"), sha256: String(repeating: "a", count: 64)) } == nil)
        var verdicts: [StoredVerdict] = []
        try store.read { tx in try tx.forEachVerdict(of: found!.id) { verdicts.append($0) } }
        #expect(verdicts.map(\.row) == [2, 3])
        #expect(verdicts[0] == StoredVerdict(row: 2, status: .accepted, errors: [], warnings: [], extensionID: 9))
        #expect(verdicts[1].errors == [Problem(.trnFormat, "bad"), Problem(.dobAge, "old")])
    }

    @Test("reference data is upserted, never deleted")
    func reference() throws {
        try store.write { tx in try tx.upsert(ReferenceData(appropriateBodies: [AppropriateBody(id: "AB001", name: "Renamed")])) }
        let bodies = try store.read { try $0.referenceData().appropriateBodies }
        #expect(bodies.map(\.name) == ["Renamed", "Other"])
    }

    func register(_ urn: String, _ start: String, transferFrom: Int64? = nil, name: String? = nil) -> Change {
        .register(Registration(trn: trn, role: .ect, trsName: TeacherName(first: "Ada", last: "Lovelace"), correctedName: name,
                               schoolURN: urn, start: Day(iso: start)!, email: "ada@a.sch.uk", transferFrom: transferFrom))
    }

    @Test("a transfer closes the old registration the day before; the name correction is kept beside the TRS name")
    func transfer() throws {
        let history = try store.write { tx in
            let id = try submission(tx)
            try tx.apply(register("100001", "2025-09-01", name: "Ada King"), from: .init(submissionID: id, row: 2, asOf: day))
            try tx.apply(register("100002", "2026-01-05", transferFrom: 1), from: .init(submissionID: id, row: 3, asOf: day))
            return try tx.history(of: trn)
        }
        #expect(history.registrations.map(\.end) == [Day(iso: "2026-01-04"), nil])
        #expect(try store.read { try $0.rows("SELECT trs_first_name, trs_last_name, corrected_name FROM teachers") } == [["Ada", "Lovelace", "Ada King"]])
        #expect(try store.read { try $0.isEmailInUse("ada@a.sch.uk", byOtherThan: TRN(value: 7_654_321)!, on: day) })
        #expect(try !store.read { try $0.isEmailInUse("ada@a.sch.uk", byOtherThan: trn, on: day) })
    }

    @Test("a working set answers from what it read, sees its own registrations' e-mails, writes a buffered teacher before correcting its name, and writes every buffered row")
    func workingSet() throws {
        let other = TRN(value: 7_654_321)!
        let (history, inUse, teachers) = try store.write { tx -> (InductionHistory, Bool, [[String]]) in
            let id = try submission(tx)
            try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
            let batch = tx.batched(force: true)
            try batch.load(trns: [trn, other], emails: ["ada@a.sch.uk"])
            let history = try batch.history(of: trn)
            // The other teacher registers with the address the first one then asks for.
            try batch.apply(.register(Registration(trn: other, role: .ect, trsName: TeacherName(first: "Bo", last: "Ek"),
                                                   correctedName: "Bo Eck", schoolURN: "100001", start: day,
                                                   email: "ada@a.sch.uk")),
                            from: .init(submissionID: id, row: 3, asOf: day))
            let inUse = try batch.isEmailInUse("ada@a.sch.uk", byOtherThan: trn, on: day)
            try batch.flush()
            return (history, inUse, try tx.rows("SELECT trn, corrected_name FROM teachers ORDER BY trn"))
        }
        #expect(history.isKnown && history.periods.count == 1 && history.periods[0].end == nil)
        #expect(inUse, "a registration added earlier in the file holds the address")
        #expect(teachers == [["1234567", "NULL"], ["7654321", "Bo Eck"]], "the correction found its teacher")
        #expect(try store.read { try $0.count("SELECT count(*) FROM school_registrations") } == 1)
        #expect(try store.read { try $0.count("SELECT count(*) FROM events") } == 3)
    }

    @Test("a working set numbers new extensions and closes periods as a statement a row does; a close of a period not open fails at its flush")
    func workingSetWrites() throws {
        func night(_ world: StoreTests, batched: Bool) throws -> (ids: [Int64?], rows: [[String]]) {
            _ = try world.store.write { try $0.apply(world.open(), from: .init(submissionID: world.submission($0), row: 2, asOf: world.day)) }
            let ids = try world.store.write { tx -> [Int64?] in
                let id = try world.submission(tx, sha: "b")
                let work = batched ? tx.batched(force: true) : tx
                try work.load(trns: [world.trn], emails: [])
                var ids: [Int64?] = []
                for (row, tenths) in [(2, 10), (3, 25)] {
                    ids.append(try work.apply(.extend(ExtendInduction(trn: world.trn, terms: Terms(tenths: tenths), existingID: nil)),
                                              from: .init(submissionID: id, row: row, asOf: world.day)))
                }
                try work.apply(world.close(1, .pass), from: .init(submissionID: id, row: 4, asOf: world.day))
                try work.flush()
                return ids
            }
            let rows = try world.store.read { tx in
                try tx.rows("SELECT * FROM extensions ORDER BY id") + tx.rows("SELECT * FROM induction_periods ORDER BY id")
                    + tx.rows("SELECT submission_id, row_number, name, detail FROM events ORDER BY id")
            }
            return (ids, rows.map { $0.map { "\($0)" } })
        }
        let perRow = try night(self, batched: false)
        let batched = try night(StoreTests(), batched: true)
        #expect(perRow.ids == [1, 2] && batched.ids == perRow.ids)
        #expect(batched.rows == perRow.rows)
        #expect(batched.rows.contains { $0.contains("2026-07-20") && $0.contains("pass") }, "the period was closed")
        let world = try StoreTests()
        _ = try world.store.write { try $0.apply(world.open(), from: .init(submissionID: world.submission($0), row: 2, asOf: world.day)) }
        #expect(throws: StoreError.self) {
            try world.store.write { tx in
                let work = tx.batched(force: true)
                try work.load(trns: [world.trn], emails: [])
                try work.apply(world.close(2, .pass), from: .init(submissionID: world.submission(tx, sha: "c"), row: 2, asOf: world.day))
                try work.flush()
            }
        }
    }

    @Test("the schema refuses two open ECT registrations for one teacher")
    func oneOpenRegistration() throws {
        #expect(throws: (any Error).self) {
            try store.write { tx in
                let id = try submission(tx)
                try tx.apply(register("100001", "2025-09-01"), from: .init(submissionID: id, row: 2, asOf: day))
                try tx.apply(register("100002", "2026-01-05"), from: .init(submissionID: id, row: 3, asOf: day))
            }
        }
    }

    @Test("a pass finishes the ECT's open registration at their school")
    func passFinishesRegistration() throws {
        let history = try store.write { tx in
            let id = try submission(tx)
            try tx.apply(register("100001", "2025-09-01"), from: .init(submissionID: id, row: 2, asOf: day))
            try tx.apply(open(), from: .init(submissionID: id, row: 3, asOf: day))
            try tx.apply(.closeInduction(CloseInduction(trn: trn, periodID: 1, end: Day(iso: "2026-07-20")!, terms: Terms(tenths: 30),
                                                        outcome: .pass, failConfirmationSentOn: nil,
                                                        inductionStart: Day(iso: "2025-09-01")!, finishSchoolRegistrationOn: day)),
                         from: .init(submissionID: id, row: 4, asOf: day))
            return try tx.history(of: trn)
        }
        #expect(history.registrations.first?.end == day)
    }

    @Test("a read between two files' transactions leaves the per-row statements compiled",
          .enabled(if: TestStore.postgres == nil, "SQLite's statements"))
    func readKeepsStatementsPrepared() throws {
        func file(_ sha: Character) throws {
            try store.write { tx in
                let id = try submission(tx, sha: sha)
                _ = try tx.history(of: trn)
                try tx.recordVerdict(submissionID: id, row: 2, trn: trn, verdict: .rejected(Problem(.trnFormat, "x")), extensionID: nil)
            }
        }
        try file("a")
        let existing = try store.read { try $0.submission(from: submitter, sha256: String(repeating: "a", count: 64)) }
        #expect(existing != nil)
        try file("b")
        #expect(store.hot?.recompilations(of: .teacherKnown) == 0)
        #expect(store.hot?.recompilations(of: .insertVerdict) == 0)
    }

    @Test("PostgreSQL's schema has SQLite's tables, columns and indexes, by name",
          .enabled(if: TestStore.postgres != nil, "needs ECT_TEST_POSTGRES"))
    func sameSchema() throws {
        let folder = Scratch.path("ect-schema")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let sqlite = try Store(path: folder + "/ect.sqlite")
        let postgres = try Store(location: TestStore.location(for: folder))
        let tables = try sqlite.read {
            try $0.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        }.map { $0[0] }
        let pgTables = try postgres.read {
            try $0.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY table_name")
        }.map { $0[0] }
        #expect(tables == pgTables)
        for table in tables {
            let columns = try sqlite.read { try $0.rows("SELECT name FROM pragma_table_info('\(table)')") }.map { $0[0] }
            let pgColumns = try postgres.read {
                try $0.rows("SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table])
            }.map { $0[0] }
            #expect(columns == pgColumns, "\(table)")
        }
        let indexes = try sqlite.read {
            try $0.rows("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
        }.map { $0[0] }
        let pgIndexes = try postgres.read {
            try $0.rows("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY indexname")
        }.map { $0[0] }
        #expect(indexes == pgIndexes)
        // A change to the schema is a migration in both lists, under one name.
        #expect(Migrations.migrator.migrations.last == PostgresMigrations.all.last?.name)
        #expect(Set(PostgresMigrations.all.dropFirst().map(\.name)).isSubset(of: Migrations.migrator.migrations))
    }

    @Test("a PostgreSQL URL's password never reaches a message", arguments: [
        ("postgresql://ect:s3cr3t@db.example:5432/ect", "postgresql://ect@db.example:5432/ect"),
        ("postgres://ect@db.example/ect", "postgres://ect@db.example/ect"),
        ("/srv/ect-data/ect.sqlite", "/srv/ect-data/ect.sqlite"),
    ])
    func redacted(_ location: String, _ shown: String) throws {
        #expect(Store.redacted(location) == shown)
        guard Store.isPostgres(location) else { return }
        // Nothing listens on port 1: the error names the database, not the password.
        let unreachable = location.replacingOccurrences(of: "db.example:5432", with: "127.0.0.1:1")
            .replacingOccurrences(of: "db.example", with: "127.0.0.1:1")
        #expect {
            try Store(location: unreachable)
        } throws: { error in
            "\(error)".contains("cannot connect") && !"\(error)".contains("s3cr3t")
        }
    }

    @Test("SQLite keeps no memory statistics, whose mutex every allocation took",
          .enabled(if: TestStore.postgres == nil, "SQLite's settings"))
    func noMemoryStatistics() throws {
        try store.write { tx in
            let id = try submission(tx)
            try tx.apply(open(), from: .init(submissionID: id, row: 2, asOf: day))
        }
        #expect(sqlite3_memory_used() == 0)
    }
}
