import Domain
import Testing
@testable import Rules

/// RULES.md §1 and the format checks of §3: each case is a row change and the verdict.
@Suite("Field formats")
struct FormatChecksTests {
    static let claimCases: [(String, [Field: String], String)] = [
        ("a complete claim", [:], "accepted"),
        ("TRN missing", [.trn: ""], "trn.missing"),
        ("TRN with letters", [.trn: "12AB567"], "trn.format"),
        ("TRN of four digits", [.trn: "1234"], "trn.format"),
        ("TRN of eight digits", [.trn: "12345678"], "trn.format"),
        ("TRN with spaces and hyphens", [.trn: " 100-0001 "], "accepted"),
        ("TRN of five digits is zero-padded", [.trn: "12345"], "accepted"),
        ("date of birth missing", [.dateOfBirth: ""], "dob.missing"),
        ("date of birth not a real date", [.dateOfBirth: "1990-02-30"], "dob.format"),
        ("date of birth in another layout", [.dateOfBirth: "05/05/1990"], "dob.format"),
        ("teacher aged 16", [.dateOfBirth: "2010-01-01"], "dob.age"),
        ("teacher aged 100", [.dateOfBirth: "1926-11-20"], "dob.age"),
        ("teacher aged exactly 18 today", [.trn: "1000050", .dateOfBirth: "2008-11-20"], "accepted"),
        ("teacher aged 99", [.trn: "1000051", .dateOfBirth: "1926-11-21"], "accepted"),
        ("programme missing", [.inductionProgramme: ""], "programme.missing"),
        ("programme unknown", [.inductionProgramme: "blended"], "programme.invalid"),
        ("programme in capitals with underscore", [.inductionProgramme: "SCHOOL_LED"], "accepted"),
        ("legacy fip", [.inductionProgramme: "FIP"], "accepted"),
        ("legacy cip", [.inductionProgramme: "cip"], "accepted"),
        ("legacy diy", [.inductionProgramme: "diy"], "accepted"),
        ("start date missing", [.inductionStartDate: ""], "start-date.missing"),
        ("start date malformed", [.inductionStartDate: "2026-9-1"], "start-date.format"),
        ("start date tomorrow", [.inductionStartDate: "2026-11-21"], "start-date.future"),
        ("start date today", [.inductionStartDate: "2026-11-20"], "accepted"),
        ("start date before the framework", [.inductionStartDate: "2021-08-31"], "start-date.before-rollout"),
        ("start date on the framework's first day", [.inductionStartDate: "2021-09-01"], "accepted"),
        ("every problem at once", [.dateOfBirth: "x", .inductionProgramme: "y", .inductionStartDate: "2030-01-01"],
         "dob.format programme.invalid start-date.future"),
    ]

    @Test("claims: each field is checked on its own", arguments: claimCases)
    func claims(_ name: String, _ changes: [Field: String], _ expected: String) throws {
        #expect(try World().validate(.claims, claim(changes)).summary == expected, "\(name)")
    }

    @Test("a row with a format problem is not checked against TRS")
    func formatStopsBeforeIdentity() throws {
        // 1999999 is not in TRS: only the format problem is reported.
        let verdict = try World().validate(.claims, claim([.trn: "1999999", .inductionProgramme: "nope"]))
        #expect(verdict.summary == "programme.invalid")
    }

    @Test("duplicate TRNs in a file are rejected, naming the other rows")
    func duplicates() throws {
        let verdict = try World().validate(.claims, claim(), duplicates: [7, 9])
        #expect(verdict.summary == "trn.duplicate-in-file")
        #expect(verdict.errors[0].message.contains("rows 7, 9"))
    }

    @Test("a date of birth in the future says so, not that the teacher is 0 years old; today's date is in the future's past")
    func futureDateOfBirth() throws {
        let future = try World().validate(.claims, claim([.dateOfBirth: "2026-11-21"]))
        #expect(future.summary == "dob.age")
        #expect(future.errors[0].message.contains("after today") && !future.errors[0].message.contains("0 years"))
        let today = try World().validate(.claims, claim([.dateOfBirth: "2026-11-20"]))
        #expect(today.summary == "dob.age")
        #expect(today.errors[0].message.contains("0 years old"))
    }

    @Test("a value that could be a date of birth or NINO is not repeated, whatever column it is in",
          arguments: [(Field.trn, "16/03/1998"), (.inductionProgramme, "1998-03-16"), (.trn, "AB123456C"), (.inductionStartDate, "16.03.1998")])
    func personalLookingValues(_ field: Field, _ value: String) throws {
        let verdict = try World().validate(.claims, claim([field: value]))
        #expect(!verdict.errors.isEmpty)
        for problem in verdict.errors { #expect(!problem.message.contains(value), "\(problem)") }
    }

    @Test("other wrong values are repeated, so the submitter sees which")
    func ordinaryValuesShown() throws {
        let verdict = try World().validate(.claims, claim([.inductionProgramme: "full-time"]))
        #expect(verdict.errors[0].message.contains("\"full-time\""))
    }

    @Test("messages never quote the date of birth")
    func noDateOfBirthInMessages() throws {
        let verdict = try World().validate(.claims, claim([.dateOfBirth: "1990-13-45"]))
        #expect(verdict.summary == "dob.format")
        #expect(!verdict.errors[0].message.contains("1990-13-45"))
    }
}
