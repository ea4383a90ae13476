import Domain
import Testing
@testable import Rules

/// RULES.md §2 (identity) and §3 (claims): each case is a teacher, the prior state and the verdict.
@Suite("Appropriate body claims")
struct ClaimRulesTests {
    typealias Periods = [(String, String, String?, Outcome?)]

    static let cases: [(String, String, String, Periods, String)] = [
        // name, TRN, start date, periods already in the store, expected
        ("a new teacher", "1000001", "2026-09-01", [], "accepted"),
        ("TRN not in TRS", "1999999", "2026-09-01", [], "trs.not-found"),
        ("deactivated record", "1000097", "2026-09-01", [], "trs.not-found"),
        ("merged record", "1000098", "2026-09-01", [], "trs.not-found"),
        ("prohibited from teaching", "1000090", "2026-09-01", [], "teacher.prohibited"),
        ("prohibited wins over passed", "1000099", "2026-09-01", [], "teacher.prohibited"),
        ("passed in TRS", "1000091", "2026-09-01", [], "induction.passed"),
        ("failed in TRS", "1000092", "2026-09-01", [], "induction.failed"),
        ("failed in Wales", "1000093", "2026-09-01", [], "induction.failed"),
        ("exempt", "1000094", "2026-09-01", [], "induction.exempt"),
        ("no QTS", "1000095", "2026-09-01", [], "qts.missing"),
        ("start before QTS", "1000096", "2026-01-09", [], "start-date.before-qts"),
        ("start on the QTS day", "1000096", "2026-01-10", [], "accepted"),
        ("passed in the store", "1000001", "2026-09-01", [("AB001", "2023-09-01", "2025-07-18", .pass)], "induction.passed"),
        ("failed in the store", "1000001", "2026-09-01", [("AB001", "2023-09-01", "2025-07-18", .fail)], "induction.failed"),
        ("open with another AB", "1000001", "2026-09-01", [("AB002", "2025-09-01", nil, nil)], "induction.claimed-by-other-ab"),
        ("open with this AB", "1000001", "2026-09-01", [("AB001", "2025-09-01", nil, nil)], "induction.already-claimed"),
        ("start on the last period's end", "1000001", "2026-07-20", [("AB002", "2025-09-01", "2026-07-20", nil)], "start-date.overlap"),
        ("start inside an earlier period", "1000001", "2025-10-01", [("AB002", "2025-09-01", "2026-07-20", nil)], "start-date.overlap"),
        ("start the day after the last period", "1000001", "2026-07-21", [("AB002", "2025-09-01", "2026-07-20", nil)], "accepted"),
    ]

    @Test("eligibility, first failure wins", arguments: cases)
    func eligibility(_ name: String, _ trn: String, _ start: String, _ periods: Periods, _ expected: String) throws {
        let world = World()
        if !periods.isEmpty { world.periods(Int(trn)!, periods) }
        #expect(try world.validate(.claims, claim([.trn: trn, .inductionStartDate: start])).summary == expected, "\(name)")
    }

    @Test("the date of birth must match TRS")
    func mismatch() throws {
        let verdict = try World().validate(.claims, claim([.dateOfBirth: "1991-05-05"]))
        #expect(verdict.summary == "trs.mismatch")
    }

    @Test("a merged record's message names the TRN it was merged into")
    func mergedMessage() throws {
        let verdict = try World().validate(.claims, claim([.trn: "1000098"]))
        #expect(verdict.errors[0].message.contains("1000001"))
    }

    @Test("the other appropriate body is named")
    func otherABNamed() throws {
        let world = World()
        world.periods(1_000_001, [("AB002", "2025-09-01", nil, nil)])
        let verdict = try world.validate(.claims, claim())
        #expect(verdict.errors[0].message.contains("Capital AB"))
    }

    @Test("the overlap message gives the earliest allowed start")
    func overlapMessage() throws {
        let world = World()
        world.periods(1_000_001, [("AB002", "2025-09-01", "2026-07-20", nil)])
        let verdict = try world.validate(.claims, claim([.inductionStartDate: "2026-07-01"]))
        #expect(verdict.errors[0].message.contains("2026-07-21"))
    }

    @Test("an accepted first claim opens a period and tells TRS")
    func firstClaimChange() throws {
        let verdict = try World().validate(.claims, claim([.inductionProgramme: "cip"]))
        guard case .openInduction(let open)? = verdict.change else { Issue.record("no change"); return }
        #expect(open.trn == TRN(value: 1_000_001))
        #expect(open.appropriateBodyID == "AB001")
        #expect(open.start == Day(iso: "2026-09-01"))
        #expect(open.programme == .schoolLed)
        #expect(open.notifyTRS)
        #expect(open.trsName == TeacherName(first: "Ada", last: "Lovelace"))
    }

    @Test("a later claim does not tell TRS again")
    func laterClaimChange() throws {
        let world = World()
        world.periods(1_000_001, [("AB002", "2025-09-01", "2026-07-20", nil)])
        let verdict = try world.validate(.claims, claim())
        guard case .openInduction(let open)? = verdict.change else { Issue.record("no change"); return }
        #expect(!open.notifyTRS)
    }
}
