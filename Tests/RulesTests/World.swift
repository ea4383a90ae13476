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
                                 nationalInsuranceNumber: "QQ123456C", qtsAwardDate: qts.flatMap { Day(iso: $0) },
                                 inductionStatus: status, prohibitedFromTeaching: prohibited, recordStatus: record)
    }

    /// Gives teacher `trn` these induction periods (`ab`, start, end?, outcome?).
    func periods(_ trn: Int, _ list: [(String, String, String?, Outcome?)], extensions: [Extension] = []) {
        histories[TRN(value: trn)!] = InductionHistory(isKnown: true, periods: list.enumerated().map { index, p in
            InductionPeriod(id: Int64(index + 1), appropriateBodyID: p.0, start: Day(iso: p.1)!, end: p.2.flatMap { Day(iso: $0) },
                            programme: .providerLed, terms: p.2 == nil ? nil : Terms(tenths: 30), outcome: p.3)
        }, extensions: extensions)
    }

    func record(for trn: TRN) -> TRSRecord? { records[trn] }
    func history(of trn: TRN) throws -> InductionHistory { histories[trn] ?? .unknown }
    func appropriateBody(id: String) -> AppropriateBody? { bodies[id] }

    func validate(_ kind: SubmissionKind, _ fields: [Field: String], as submitter: String = "AB001",
                  duplicates: [Int] = []) throws -> Verdict {
        let context = RuleContext(today: World.today, submitter: Submitter(kind: .appropriateBodies, id: submitter),
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

/// A row that passes every check, with some fields replaced.
func claim(_ changes: [Field: String] = [:]) -> [Field: String] {
    var fields: [Field: String] = [.trn: "1000001", .dateOfBirth: World.dob, .inductionProgramme: "provider-led",
                                   .inductionStartDate: "2026-09-01"]
    fields.merge(changes) { $1 }
    return fields.filter { !$0.value.isEmpty }
}

func action(_ changes: [Field: String] = [:]) -> [Field: String] {
    var fields: [Field: String] = [.trn: "1000001", .dateOfBirth: World.dob, .inductionEndDate: "2026-07-20",
                                   .numberOfTerms: "6", .outcome: "pass"]
    fields.merge(changes) { $1 }
    return fields.filter { !$0.value.isEmpty }
}

func extensionRow(_ changes: [Field: String] = [:]) -> [Field: String] {
    var fields: [Field: String] = [.trn: "1000001", .dateOfBirth: World.dob, .numberOfTerms: "2"]
    fields.merge(changes) { $1 }
    return fields.filter { !$0.value.isEmpty }
}
