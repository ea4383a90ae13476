import Domain
import Testing

@Suite("Days")
struct DayTests {
    @Test("strict YYYY-MM-DD parses real dates only", arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("2026-11-20", true), ("2026-13-01", false),
        ("2026-1-01", false), ("2026-01-1", false), ("20260101", false), ("2026/01/01", false),
        (" 2026-01-01", false), ("2026-01-01x", false), ("0000-01-01", false), ("2100-02-29", false), ("2000-02-29", true),
    ])
    func parsing(_ text: String, _ valid: Bool) {
        #expect((Day(iso: text) != nil) == valid, "\(text)")
    }

    @Test("round-trips through its ordinal", arguments: ["1970-01-01", "1969-12-31", "2000-02-29", "2026-11-20", "1900-03-01"])
    func roundTrip(_ text: String) throws {
        let day = try #require(Day(iso: text))
        #expect(day.iso == text)
        #expect(Day(ordinal: day.ordinal) == day)
    }

    @Test("1970-01-01 is day zero and days count up")
    func ordinals() {
        #expect(Day(iso: "1970-01-01")!.ordinal == 0)
        #expect(Day(iso: "2026-11-21")!.ordinal - Day(iso: "2026-11-20")!.ordinal == 1)
        #expect(Day(iso: "2025-01-01")!.adding(days: -1).iso == "2024-12-31")
    }

    @Test("adding months keeps the day or clips to the month's end", arguments: [
        ("2026-01-31", 1, "2026-02-28"), ("2024-01-31", 1, "2024-02-29"), ("2026-11-20", 4, "2027-03-20"),
        ("2026-10-31", 4, "2027-02-28"), ("2026-03-15", -3, "2025-12-15"),
    ])
    func months(_ start: String, _ count: Int, _ expected: String) {
        #expect(Day(iso: start)!.adding(months: count).iso == expected)
    }

    @Test("whole years count exact birthdays", arguments: [
        ("2008-11-20", "2026-11-20", 18), ("2008-11-21", "2026-11-20", 17), ("2004-02-29", "2022-02-28", 17),
        ("2004-02-29", "2022-03-01", 18),
    ])
    func years(_ born: String, _ today: String, _ age: Int) {
        #expect(Day(iso: born)!.wholeYears(until: Day(iso: today)!) == age)
    }
}

@Suite("TRNs and terms")
struct TRNTests {
    @Test("TRNs are normalised", arguments: [
        ("1234567", "1234567"), ("123456", "0123456"), ("12345", "0012345"), (" 123 4567 ", "1234567"),
        ("123-4567", "1234567"),
    ])
    func normalised(_ text: String, _ expected: String) {
        #expect(TRN(normalising: text)?.description == expected)
    }

    @Test("invalid TRNs are refused", arguments: ["1234", "12345678", "12a4567", "", "   ", "1234567.0", "١٢٣٤٥٦٧"])
    func invalid(_ text: String) {
        #expect(TRN(normalising: text) == nil)
    }

    @Test("terms take at most one decimal place", arguments: [
        ("3", 30), ("3.5", 35), ("16.0", 160), ("0", 0), ("0.1", 1),
    ])
    func terms(_ text: String, _ tenths: Int) {
        #expect(Terms.parse(text) == .value(Terms(tenths: tenths)))
    }

    @Test("malformed terms are refused", arguments: [".5", "3.", "1,5", "3.25", "-1", "+2", "two", "", "1e1"])
    func malformedTerms(_ text: String) {
        #expect(Terms.parse(text) == .malformed)
    }

    @Test("terms print as submitted")
    func termsDescription() {
        #expect(Terms(tenths: 30).description == "3")
        #expect(Terms(tenths: 35).description == "3.5")
    }
}

@Suite("Fields and kinds")
struct FieldTests {
    @Test("headers match case-insensitively, ignoring spaces and underscores", arguments: [
        ("TRN", Field.trn), (" date of birth ", .dateOfBirth), ("date_of_birth", .dateOfBirth),
        ("INDUCTION PERIOD START DATE", .inductionStartDate), ("Extension ID", .extensionID), ("extension_id", .extensionID),
    ])
    func headers(_ header: String, _ field: Field) {
        #expect(Field(header: header) == field)
    }

    @Test("each kind is told from its columns", arguments: SubmissionKind.allCases)
    func detection(_ kind: SubmissionKind) {
        #expect(SubmissionKind.detect(from: Set(kind.fields)) == kind)
        #expect(SubmissionKind.detect(from: Set(kind.requiredFields)) == kind)
    }

    @Test("columns that fit no template give no kind")
    func noKind() {
        #expect(SubmissionKind.detect(from: [.trn, .dateOfBirth]) == nil)
    }
}
