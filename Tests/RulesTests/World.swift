import Domain
@testable import Rules

/// An in-memory world for the rules: a TRS extract, the store's induction histories and
/// the appropriate bodies.
final class World: TeacherRecordSource, InductionState, ReferenceLookup {
    static let today = Day(iso: "2026-11-20")!
    static let dob = "1990-05-05"

    var records: [TRN: TRSRecord] = [:]
    var histories: [TRN: InductionHistory] = [:]
    let bodies = ["AB001": AppropriateBody(id: "AB001", name: "Northern Hub"),
                  "AB002": AppropriateBody(id: "AB002", name: "Capital AB")]
    let schools = ["100001": School(urn: "100001", name: "Riverside", trustUID: "4001"),
                   "100002": School(urn: "100002", name: "Millbrook", trustUID: "4001"),
                   "100003": School(urn: "100003", name: "Oakfield", trustUID: "4002"),
                   "100004": School(urn: "100004", name: "St Anne's")]
    let providers = ["LP01": LeadProvider(id: "LP01", name: "Ambition Institute")]
    /// Emails of other teachers' current registrations.
    var emailsInUse: Set<String> = []

    init() {
        add(1_000_001)
        add(12_345)
        add(1_000_050, dob: "2008-11-20")
        add(1_000_051, dob: "1926-11-21")
        add(1_000_090, prohibited: true)
        add(1_000_091, status: .passed)
        add(1_000_092, status: .failed)
        add(1_000_093, status: .failedInWales)
        add(1_000_094, status: .exempt)
        add(1_000_095, qts: nil)
        add(1_000_096, qts: "2026-01-10")
        add(1_000_097, record: .deactivated)
        add(1_000_098, record: .merged(into: TRN(value: 1_000_001)))
        add(1_000_099, status: .passed, prohibited: true)
    }

    func add(_ trn: Int, dob: String = World.dob, qts: String? = "2021-07-01", status: TRSRecord.InductionStatus = .requiredToComplete,
             prohibited: Bool = false, record: TRSRecord.RecordStatus = .active) {
        let key = TRN(value: trn)!
        records[key] = TRSRecord(trn: key, firstName: "Ada", lastName: "Lovelace", dateOfBirth: Day(iso: dob),
                                 nationalInsuranceNumber: "AB123456C", qtsAwardDate: qts.flatMap { Day(iso: $0) },
                                 inductionStatus: status, prohibitedFromTeaching: prohibited, recordStatus: record)
    }

    /// Gives teacher `trn` these induction periods (`ab`, start, end?, outcome?).
    func periods(_ trn: Int, _ list: [(String, String, String?, Outcome?)], extensions: [Extension] = []) {
        histories[TRN(value: trn)!] = InductionHistory(isKnown: true, periods: list.enumerated().map { index, p in
            InductionPeriod(id: Int64(index + 1), appropriateBodyID: p.0, start: Day(iso: p.1)!, end: p.2.flatMap { Day(iso: $0) },
                            programme: .providerLed, terms: p.2 == nil ? nil : Terms(tenths: 30), outcome: p.3)
        }, extensions: extensions)
    }

    /// Gives teacher `trn` these school registrations (role, URN, start, end?).
    func registrations(_ trn: Int, _ list: [(SchoolRole, String, String, String?)]) {
        var history = histories[TRN(value: trn)!] ?? InductionHistory(isKnown: true)
        history.registrations = list.enumerated().map { index, r in
            SchoolRegistration(id: Int64(index + 1), role: r.0, schoolURN: r.1, start: Day(iso: r.2)!, end: r.3.flatMap { Day(iso: $0) },
                               email: "t\(trn)-\(index)@school.org.uk")
        }
        histories[TRN(value: trn)!] = history
    }

    func record(for trn: TRN) -> TRSRecord? { records[trn] }
    func isEmailInUse(_ email: String, byOtherThan trn: TRN, on day: Day) throws -> Bool { emailsInUse.contains(email) }
    func appropriateBody(named name: String) -> AppropriateBody? { bodies.values.first { $0.name.lowercased() == name.lowercased() } }
    func school(urn: String) -> School? { schools[urn] }
    func leadProvider(idOrName: String) -> LeadProvider? {
        providers[idOrName] ?? providers.values.first { $0.name.lowercased() == idOrName.lowercased() }
    }
    func history(of trn: TRN) throws -> InductionHistory { histories[trn] ?? .unknown }
    func appropriateBody(id: String) -> AppropriateBody? { bodies[id] }

    func validate(_ kind: SubmissionKind, _ fields: [Field: String], as submitter: String = "AB001",
                  duplicates: [Int] = []) throws -> Verdict {
        try validate(kind, fields, by: Submitter(kind: .appropriateBodies, id: submitter), duplicates: duplicates)
    }

    func validate(_ kind: SubmissionKind, _ fields: [Field: String], by submitter: Submitter, duplicates: [Int] = []) throws -> Verdict {
        let context = RuleContext(today: World.today, submitter: submitter,
                                  trs: self, state: self, reference: self)
        return try RowValidator(kind: kind, context: context).validate(RowInput(number: 2, fields), duplicateRows: duplicates)
    }
}

extension Verdict {
    /// `accepted`, or the error codes joined by spaces.
    var summary: String {
        errors.isEmpty ? "accepted" : errors.map(\.code.rawValue).joined(separator: " ")
    }
}

/// `base` with `changes` applied; an empty value removes the field.
func row(_ base: [Field: String], _ changes: [Field: String]) -> [Field: String] {
    base.merging(changes) { $1 }.filter { !$0.value.isEmpty }
}

// Rows that pass every check, with some fields replaced.
func claim(_ changes: [Field: String] = [:]) -> [Field: String] {
    row([.trn: "1000001", .dateOfBirth: World.dob, .inductionProgramme: "provider-led", .inductionStartDate: "2026-09-01"], changes)
}

func action(_ changes: [Field: String] = [:]) -> [Field: String] {
    row([.trn: "1000001", .dateOfBirth: World.dob, .inductionEndDate: "2026-07-20", .numberOfTerms: "6", .outcome: "pass"], changes)
}

func extensionRow(_ changes: [Field: String] = [:]) -> [Field: String] {
    row([.trn: "1000001", .dateOfBirth: World.dob, .numberOfTerms: "2"], changes)
}

func registration(_ changes: [Field: String] = [:]) -> [Field: String] {
    row([.trn: "1000001", .dateOfBirth: World.dob, .email: "ada@school.org.uk", .schoolStartDate: "2026-09-01"], changes)
}

func mentorRow(_ changes: [Field: String] = [:]) -> [Field: String] {
    row([.trn: "1000001", .dateOfBirth: World.dob, .email: "ada@school.org.uk", .mentorStartDate: "2026-09-01"], changes)
}

let school = Submitter(kind: .schools, id: "100001")
let trust = Submitter(kind: .trusts, id: "4001")
