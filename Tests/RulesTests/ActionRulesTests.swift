import Domain
import Testing
@testable import Rules

/// RULES.md §4: releases, passes and fails.
@Suite("Appropriate body actions")
struct ActionRulesTests {
    static let open: [(String, String, String?, Outcome?)] = [("AB001", "2024-09-02", nil, nil)]

    static let formatCases: [(String, [Field: String], String)] = [
        ("a pass", [:], "accepted"),
        ("a release", [.outcome: "Release"], "accepted"),
        ("a fail with its confirmation date", [.outcome: "FAIL", .failConfirmationDate: "2026-07-25"], "accepted"),
        ("a fail confirmed on the end date", [.outcome: "fail", .failConfirmationDate: "2026-07-20"], "accepted"),
        ("a fail without confirmation", [.outcome: "fail"], "fail-confirmation-date.missing"),
        ("a fail confirmed before the end date", [.outcome: "fail", .failConfirmationDate: "2026-07-19"], "fail-confirmation-date.invalid"),
        ("a fail confirmed in the future", [.outcome: "fail", .failConfirmationDate: "2026-11-21"], "fail-confirmation-date.invalid"),
        ("a fail confirmation in another layout", [.outcome: "fail", .failConfirmationDate: "25/07/2026"], "fail-confirmation-date.format"),
        ("outcome missing", [.outcome: ""], "outcome.missing"),
        ("outcome unknown", [.outcome: "passed"], "outcome.invalid"),
        ("end date missing", [.inductionEndDate: ""], "end-date.missing"),
        ("end date malformed", [.inductionEndDate: "20-07-2026"], "end-date.format"),
        ("end date in the future", [.inductionEndDate: "2026-11-21"], "end-date.future"),
        ("terms missing", [.numberOfTerms: ""], "terms.missing"),
        ("terms with two decimals", [.numberOfTerms: "3.25"], "terms.format"),
        ("terms with a comma", [.numberOfTerms: "1,5"], "terms.format"),
        ("terms starting with a point", [.numberOfTerms: ".5"], "terms.format"),
        ("terms above 16", [.numberOfTerms: "16.1"], "terms.range"),
        ("zero terms", [.numberOfTerms: "0"], "accepted"),
        ("sixteen terms", [.numberOfTerms: "16"], "accepted"),
        ("half terms", [.numberOfTerms: "3.5"], "accepted"),
    ]

    @Test("a fail on DfE's five-column template says which column to add")
    func failWithoutTheColumn() throws {
        let world = World()
        world.periods(1_000_001, Self.open)
        let verdict = try world.validate(.actions, action([.outcome: "fail"]))
        let problem = try #require(verdict.errors.first)
        #expect(problem.code == "fail-confirmation-date.missing")
        #expect(problem.message.contains("Add a column \"Fail confirmation sent on\""))
    }

    @Test("fields are checked on their own", arguments: formatCases)
    func formats(_ name: String, _ changes: [Field: String], _ expected: String) throws {
        let world = World()
        world.periods(1_000_001, Self.open)
        #expect(try world.validate(.actions, action(changes)).summary == expected, "\(name)")
    }

    static let stateCases: [(String, [(String, String, String?, Outcome?)], String, String)] = [
        ("never claimed", [], "2026-07-20", "induction.not-claimed"),
        ("already passed", [("AB001", "2023-09-01", "2025-07-18", .pass)], "2026-07-20", "induction.passed"),
        ("already failed", [("AB001", "2023-09-01", "2025-07-18", .fail)], "2026-07-20", "induction.failed"),
        ("released and not reclaimed", [("AB001", "2023-09-01", "2025-07-18", nil)], "2026-07-20", "induction.no-open-period"),
        ("open with another AB", [("AB002", "2024-09-02", nil, nil)], "2026-07-20", "induction.other-ab"),
        ("ends on its start date", open, "2024-09-02", "end-date.before-start"),
        ("ends the day after its start", open, "2024-09-03", "accepted"),
    ]

    @Test("state, first failure wins", arguments: stateCases)
    func state(_ name: String, _ periods: [(String, String, String?, Outcome?)], _ end: String, _ expected: String) throws {
        let world = World()
        if !periods.isEmpty { world.periods(1_000_001, periods) }
        #expect(try world.validate(.actions, action([.inductionEndDate: end])).summary == expected, "\(name)")
    }

    @Test("a fail closes the open period with the earliest start for TRS")
    func failChange() throws {
        let world = World()
        world.periods(1_000_001, [("AB002", "2023-09-01", "2024-07-19", nil), ("AB001", "2024-09-02", nil, nil)])
        let verdict = try world.validate(.actions, action([.outcome: "fail", .failConfirmationDate: "2026-07-22", .numberOfTerms: "5.5"]))
        guard case .closeInduction(let close)? = verdict.change else { Issue.record("no change"); return }
        #expect(close.periodID == 2)
        #expect(close.outcome == .fail)
        #expect(close.terms == Terms(tenths: 55))
        #expect(close.failConfirmationSentOn == Day(iso: "2026-07-22"))
        #expect(close.inductionStart == Day(iso: "2023-09-01"))
    }

    @Test("a release keeps no confirmation date")
    func releaseChange() throws {
        let world = World()
        world.periods(1_000_001, Self.open)
        let verdict = try world.validate(.actions, action([.outcome: "release", .failConfirmationDate: "2026-07-22"]))
        guard case .closeInduction(let close)? = verdict.change else { Issue.record("no change"); return }
        #expect(close.outcome == .release)
        #expect(close.failConfirmationSentOn == nil)
    }
}
