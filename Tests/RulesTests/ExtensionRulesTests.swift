import Domain
import Testing
@testable import Rules

/// RULES.md §5: extensions.
@Suite("Appropriate body extensions")
struct ExtensionRulesTests {
    static let cases: [(String, [Field: String], [(String, String, String?, Outcome?)], String)] = [
        ("a new extension", [:], [("AB001", "2024-09-02", nil, nil)], "accepted"),
        ("a tenth of a term", [.numberOfTerms: "0.1"], [("AB001", "2024-09-02", nil, nil)], "accepted"),
        ("sixteen terms", [.numberOfTerms: "16"], [("AB001", "2024-09-02", nil, nil)], "accepted"),
        ("zero terms", [.numberOfTerms: "0"], [("AB001", "2024-09-02", nil, nil)], "terms.range"),
        ("more than sixteen", [.numberOfTerms: "16.5"], [("AB001", "2024-09-02", nil, nil)], "terms.range"),
        ("terms in words", [.numberOfTerms: "two"], [("AB001", "2024-09-02", nil, nil)], "terms.format"),
        ("terms missing", [.numberOfTerms: ""], [("AB001", "2024-09-02", nil, nil)], "terms.missing"),
        ("an extension ID that is not a number", [.extensionID: "X1"], [("AB001", "2024-09-02", nil, nil)], "extension-id.format"),
        ("never claimed", [:], [], "induction.not-claimed"),
        ("no open period", [:], [("AB001", "2023-09-01", "2024-07-19", nil)], "induction.no-open-period"),
        ("open with another AB", [:], [("AB002", "2024-09-02", nil, nil)], "induction.other-ab"),
        ("an extension of another teacher", [.extensionID: "99"], [("AB001", "2024-09-02", nil, nil)], "extension-id.unknown"),
        ("an extension of this teacher", [.extensionID: "7"], [("AB001", "2024-09-02", nil, nil)], "accepted"),
    ]

    @Test("extensions", arguments: cases)
    func extensions(_ name: String, _ changes: [Field: String], _ periods: [(String, String, String?, Outcome?)], _ expected: String) throws {
        let world = World()
        if !periods.isEmpty { world.periods(1_000_001, periods, extensions: [Extension(id: 7, terms: Terms(tenths: 10))]) }
        #expect(try world.validate(.extensions, extensionRow(changes)).summary == expected, "\(name)")
    }

    @Test("editing an extension names it in the change")
    func editChange() throws {
        let world = World()
        world.periods(1_000_001, [("AB001", "2024-09-02", nil, nil)], extensions: [Extension(id: 7, terms: Terms(tenths: 10))])
        let verdict = try world.validate(.extensions, extensionRow([.extensionID: "7", .numberOfTerms: "1.5"]))
        #expect(verdict.change == .extend(ExtendInduction(trn: TRN(value: 1_000_001)!, terms: Terms(tenths: 15), existingID: 7)))
    }
}
