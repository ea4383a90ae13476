import Domain

/// The rules for one kind of submission: how its fields are read, and what an
/// identified row may do given the current state.
protocol OperationRules {
    associatedtype Fields
    /// Reads the kind's own fields, reporting each format problem into `checks`.
    static func read(_ checks: inout FormatChecks, context: RuleContext) -> Fields?
    /// Eligibility and state checks (first failure wins) and the change to make.
    static func decide(_ fields: Fields, trn: TRN, record: TRSRecord, context: RuleContext) throws -> Verdict
}

/// Validates rows of one file in the order RULES.md §0 fixes: format (every problem),
/// identity (first failure), then eligibility and state (first failure).
public struct RowValidator {
    public let kind: SubmissionKind
    public let context: RuleContext

    public init(kind: SubmissionKind, context: RuleContext) {
        self.kind = kind
        self.context = context
    }


    /// The verdict for `row`. `duplicateRows` are the numbers of the other rows of the
    /// same file with the same TRN. Throws only when the state cannot be read.
    public func validate(_ row: RowInput, duplicateRows: [Int] = []) throws -> Verdict {
        switch kind {
        case .claims: try validate(row, duplicateRows, ClaimRules.self)
        case .actions: try validate(row, duplicateRows, ActionRules.self)
        case .extensions: try validate(row, duplicateRows, ExtensionRules.self)
        case .registrations: try validate(row, duplicateRows, ECTRegistrationRules.self)
        case .mentors: try validate(row, duplicateRows, MentorRegistrationRules.self)
        }
    }

    private func validate<Rules: OperationRules>(_ row: RowInput, _ duplicates: [Int], _: Rules.Type) throws -> Verdict {
        var checks = FormatChecks(row: row, today: context.today)
        let trn = checks.trn()
        if let trn, !duplicates.isEmpty {
            let others = duplicates.map(String.init).joined(separator: ", ")
            checks.report(.trnDuplicateInFile, "TRN \(trn) is also on row\(duplicates.count > 1 ? "s" : "") \(others) of this file. Keep one row per teacher in a file; send any further change in a later file.")
        }
        let dateOfBirth = checks.dateOfBirth()
        let nino = checks.nationalInsuranceNumber()
        let fields = Rules.read(&checks, context: context)
        guard checks.problems.isEmpty, let trn, let dateOfBirth, let fields else {
            return Verdict(errors: checks.problems)
        }
        switch try Identity.match(trn: trn, dateOfBirth: dateOfBirth, nino: nino, context: context) {
        case .failure(let problem):
            return .rejected(problem)
        case .success(let record):
            return try Rules.decide(fields, trn: trn, record: record, context: context)
        }
    }
}

extension TRSRecord {
    /// The induction outcome TRS holds, as a rejection for a claim or registration.
    func inductionBlock(trn: TRN) -> Problem? {
        switch inductionStatus {
        case .passed:
            return Problem(.inductionPassed, "The Teaching Record System records that this teacher has passed induction, so no new induction can be started.")
        case .failed, .failedInWales:
            return Problem(.inductionFailed, "The Teaching Record System records that this teacher has failed induction\(inductionStatus == .failedInWales ? " in Wales" : ""), so no new induction can be started.")
        default:
            return nil
        }
    }

    var prohibition: Problem? {
        prohibitedFromTeaching
            ? Problem(.teacherProhibited, "The Teaching Record System records that this teacher is prohibited from teaching. Contact the Teaching Regulation Agency if you think this is wrong.")
            : nil
    }
}

extension InductionHistory {
    /// A pass or fail already recorded in the store, as a rejection.
    var outcomeBlock: Problem? {
        switch outcome {
        case .pass?:
            Problem(.inductionPassed, "This teacher has already passed induction; nothing more can be recorded for it.")
        case .fail?:
            Problem(.inductionFailed, "This teacher has already failed induction; nothing more can be recorded for it.")
        default:
            nil
        }
    }
}
