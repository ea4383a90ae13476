import Domain
import Testing
@testable import Rules

/// RULES.md §6: schools and trusts register ECTs.
@Suite("ECT registrations")
struct RegistrationRulesTests {
    static let formatCases: [(String, Submitter, [Field: String], String)] = [
        ("a school's complete row", school, [:], "accepted"),
        ("a school naming its own URN", school, [.schoolURN: "100001"], "accepted"),
        ("a school naming another school", school, [.schoolURN: "100002"], "urn.not-yours"),
        ("a URN that is not 6 digits", school, [.schoolURN: "10001"], "urn.format"),
        ("a trust row without a URN", trust, [:], "urn.missing"),
        ("a trust row at one of its schools", trust, [.schoolURN: "100002"], "accepted"),
        ("a trust row at another trust's school", trust, [.schoolURN: "100003"], "urn.not-yours"),
        ("a trust row at an unknown school", trust, [.schoolURN: "999999"], "urn.unknown"),
        ("email missing", school, [.email: ""], "email.missing"),
        ("email without @", school, [.email: "ada.school.org.uk"], "email.format"),
        ("email with two @", school, [.email: "a@b@school.org.uk"], "email.format"),
        ("email with ..", school, [.email: "ada..l@school.org.uk"], "email.format"),
        ("email with a one-label domain", school, [.email: "ada@localhost"], "email.format"),
        ("email in capitals", school, [.email: "Ada.Lovelace@School.ORG.uk"], "accepted"),
        ("a name of 70 characters", school, [.name: String(repeating: "a", count: 70)], "accepted"),
        ("a name of 71 characters", school, [.name: String(repeating: "a", count: 71)], "name.format"),
        ("a valid NINO", school, [.nationalInsuranceNumber: "ab 12 34 56 c"], "accepted"),
        ("a NINO with a bad first letter", school, [.nationalInsuranceNumber: "DA123456C"], "nino.format"),
        ("a NINO with a bad second letter", school, [.nationalInsuranceNumber: "AO123456C"], "nino.format"),
        ("a NINO with a barred prefix", school, [.nationalInsuranceNumber: "GB123456C"], "nino.format"),
        ("a NINO ending in E", school, [.nationalInsuranceNumber: "AB123456E"], "nino.format"),
        ("start date missing", school, [.schoolStartDate: ""], "school-start-date.missing"),
        ("start date malformed", school, [.schoolStartDate: "1/9/2026"], "school-start-date.format"),
        ("start date on the window's first day", school, [.schoolStartDate: "2024-06-01"], "accepted"),
        ("start date the day before", school, [.schoolStartDate: "2024-05-31"], "school-start-date.out-of-range"),
        ("start date four months ahead", school, [.schoolStartDate: "2027-03-20"], "accepted"),
        ("start date beyond four months", school, [.schoolStartDate: "2027-03-21"], "school-start-date.out-of-range"),
        ("working pattern part time", school, [.workingPattern: "Part time"], "accepted"),
        ("working pattern unknown", school, [.workingPattern: "weekends"], "working-pattern.invalid"),
        ("appropriate body by name", school, [.appropriateBody: "northern hub"], "accepted"),
        ("appropriate body by id", school, [.appropriateBody: "AB002"], "accepted"),
        ("appropriate body unknown", school, [.appropriateBody: "Nowhere AB"], "appropriate-body.unknown"),
        ("school-led training", school, [.trainingProgramme: "school-led"], "accepted"),
        ("training programme unknown", school, [.trainingProgramme: "online"], "training-programme.invalid"),
        ("provider-led without a lead provider", school, [.trainingProgramme: "provider-led"], "lead-provider.missing"),
        ("provider-led with a known lead provider", school, [.trainingProgramme: "provider-led", .leadProvider: "Ambition Institute"], "accepted"),
        ("an unknown lead provider", school, [.trainingProgramme: "provider-led", .leadProvider: "LP99"], "lead-provider.unknown"),
    ]

    @Test("fields and who may register where", arguments: formatCases)
    func formats(_ name: String, _ submitter: Submitter, _ changes: [Field: String], _ expected: String) throws {
        #expect(try World().validate(.registrations, registration(changes), by: submitter).summary == expected, "\(name)")
    }

    @Test("the start-date window follows contract years", arguments: [
        ("2026-11-20", "2024-06-01", "2027-03-20"), ("2026-05-31", "2023-06-01", "2026-09-30"),
        ("2026-06-01", "2024-06-01", "2026-10-01"), ("2026-10-31", "2024-06-01", "2027-02-28"),
    ])
    func window(_ today: String, _ earliest: String, _ latest: String) {
        let window = RegistrationFields.startWindow(today: Day(iso: today)!)
        #expect(window.lowerBound.iso == earliest && window.upperBound.iso == latest)
    }

    @Test("identity: a wrong date of birth is rescued by a matching NINO, not by another")
    func ninoRescue() throws {
        let world = World()
        let wrongBirth = registration([.dateOfBirth: "1991-01-01"])
        #expect(try world.validate(.registrations, wrongBirth, by: school).summary == "trs.mismatch")
        #expect(try world.validate(.registrations, wrongBirth.merging([.nationalInsuranceNumber: "AB123456C"]) { $1 }, by: school).summary == "accepted")
        #expect(try world.validate(.registrations, wrongBirth.merging([.nationalInsuranceNumber: "AB654321C"]) { $1 }, by: school).summary == "trs.mismatch")
        let message = try world.validate(.registrations, wrongBirth, by: school).errors[0].message
        #expect(message.contains("national insurance number"))
    }

    typealias Registrations = [(SchoolRole, String, String, String?)]
    static let stateCases: [(String, String, Registrations, [(String, String, String?, Outcome?)], String)] = [
        ("no QTS is needed", "1000095", [], [], "accepted"),
        ("prohibited", "1000090", [], [], "teacher.prohibited"),
        ("passed in TRS", "1000091", [], [], "induction.passed"),
        ("failed in TRS", "1000092", [], [], "induction.failed"),
        ("failed in Wales", "1000093", [], [], "induction.failed"),
        ("exempt", "1000094", [], [], "induction.exempt"),
        ("passed in the store", "1000001", [], [("AB001", "2023-09-01", "2025-07-18", .pass)], "induction.passed"),
        ("a mentor elsewhere", "1000001", [(.mentor, "100004", "2025-09-01", nil)], [], "ect.is-mentor"),
        ("a former mentor", "1000001", [(.mentor, "100004", "2024-09-01", "2025-07-01")], [], "ect.is-mentor"),
        ("already an ECT here", "1000001", [(.ect, "100001", "2025-09-01", nil)], [], "ect.already-registered"),
        ("left this school, registered again", "1000001", [(.ect, "100001", "2025-01-06", "2025-07-20")], [], "accepted"),
        ("leaving this school later: not yet left", "1000001", [(.ect, "100001", "2025-01-06", "2026-12-20")], [], "ect.already-registered"),
        ("an ECT elsewhere, later start: a transfer", "1000001", [(.ect, "100004", "2025-09-01", nil)], [], "accepted"),
        ("an ECT elsewhere from the same day", "1000001", [(.ect, "100004", "2026-09-01", nil)], [], "school-start-date.overlap"),
    ]

    @Test("eligibility, first failure wins", arguments: stateCases)
    func state(_ name: String, _ trn: String, _ registrations: Registrations, _ periods: [(String, String, String?, Outcome?)], _ expected: String) throws {
        let world = World()
        if !periods.isEmpty { world.periods(Int(trn)!, periods) }
        if !registrations.isEmpty { world.registrations(Int(trn)!, registrations) }
        #expect(try world.validate(.registrations, registration([.trn: trn]), by: school).summary == expected, "\(name)")
    }

    @Test("an email used by another teacher's current registration is refused")
    func emailInUse() throws {
        let world = World()
        world.emailsInUse = ["ada@school.org.uk"]
        #expect(try world.validate(.registrations, registration([.email: "ADA@school.org.uk"]), by: school).summary == "email.in-use")
    }

    @Test("a transfer closes the registration at the other school")
    func transfer() throws {
        let world = World()
        world.registrations(1_000_001, [(.ect, "100004", "2025-09-01", nil)])
        let verdict = try world.validate(.registrations, registration(), by: school)
        guard case .register(let change)? = verdict.change else { Issue.record("no change"); return }
        #expect(change.transferFrom == 1)
        #expect(change.schoolURN == "100001")
    }

    @Test("an accepted row carries every optional field into the change")
    func change() throws {
        let verdict = try World().validate(.registrations, registration([
            .workingPattern: "FULL-TIME", .appropriateBody: "Capital AB", .trainingProgramme: "fip", .leadProvider: "LP01",
            .name: "Ada King", .email: "Ada@School.org.uk", .schoolURN: "100002",
        ]), by: trust)
        guard case .register(let change)? = verdict.change else { Issue.record("no change: \(verdict.summary)"); return }
        #expect(change == Registration(trn: TRN(value: 1_000_001)!, role: .ect, trsName: TeacherName(first: "Ada", last: "Lovelace"),
                                       correctedName: "Ada King", schoolURN: "100002", start: Day(iso: "2026-09-01")!,
                                       email: "ada@school.org.uk", workingPattern: .fullTime, appropriateBodyID: "AB002",
                                       trainingProgramme: .providerLed, leadProviderID: "LP01"))
        #expect(verdict.warnings.isEmpty)
    }

    @Test("a corrected name sharing no word with TRS is accepted with a warning", arguments: [
        ("Ada Lovelace-King", false), ("ADA", false), ("Grace Hopper", true),
    ])
    func nameWarning(_ name: String, _ warned: Bool) throws {
        let verdict = try World().validate(.registrations, registration([.name: name]), by: school)
        #expect(verdict.status == .accepted)
        #expect(verdict.warnings.map(\.code) == (warned ? [.nameDiffersFromTRS] : []))
    }
}

@Suite("Mentor registrations")
struct MentorRulesTests {
    static let cases: [(String, String, [Field: String], [(SchoolRole, String, String, String?)], String)] = [
        ("a new mentor", "1000001", [:], [], "accepted"),
        ("an ECT elsewhere may mentor", "1000001", [:], [(.ect, "100004", "2025-09-01", nil)], "accepted"),
        ("induction status does not matter", "1000091", [:], [], "accepted"),
        ("no QTS does not matter", "1000095", [:], [], "accepted"),
        ("prohibited", "1000090", [:], [], "teacher.prohibited"),
        ("already a mentor here", "1000001", [:], [(.mentor, "100001", "2025-09-01", nil)], "mentor.already-registered"),
        ("a former mentor here", "1000001", [:], [(.mentor, "100001", "2024-09-01", "2025-07-01")], "accepted"),
        ("start date missing", "1000001", [.mentorStartDate: ""], [], "mentor-start-date.missing"),
        ("start date malformed", "1000001", [.mentorStartDate: "soon"], [], "mentor-start-date.format"),
        ("start date out of range", "1000001", [.mentorStartDate: "2020-09-01"], [], "mentor-start-date.out-of-range"),
        ("another school's URN", "1000001", [.schoolURN: "100004"], [], "urn.not-yours"),
    ]

    @Test("mentors", arguments: cases)
    func mentors(_ name: String, _ trn: String, _ changes: [Field: String], _ registrations: [(SchoolRole, String, String, String?)], _ expected: String) throws {
        let world = World()
        if !registrations.isEmpty { world.registrations(Int(trn)!, registrations) }
        var fields = changes
        fields[.trn] = trn
        #expect(try world.validate(.mentors, mentorRow(fields), by: school).summary == expected, "\(name)")
    }

    @Test("a mentor's email used by another teacher is refused")
    func emailInUse() throws {
        let world = World()
        world.emailsInUse = ["ada@school.org.uk"]
        #expect(try world.validate(.mentors, mentorRow(), by: school).summary == "email.in-use")
    }
}
