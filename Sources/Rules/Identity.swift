import Domain

/// Matches a row to a TRS record: the TRN, then the date of birth (or, for schools and
/// trusts, the national insurance number when the date of birth differs).
enum Identity {
    static func match(trn: TRN, dateOfBirth: Day, nino: String?, context: RuleContext) throws -> Result<TRSRecord, Problem> {
        guard let record = try context.trs.record(for: trn) else {
            return .failure(Problem(.trsNotFound, "No teacher with TRN \(trn) is in the Teaching Record System. Check the TRN against the teacher's record."))
        }
        switch record.recordStatus {
        case .active:
            break
        case .deactivated:
            return .failure(Problem(.trsNotFound, "The Teaching Record System record for TRN \(trn) is no longer active. Check the TRN with the teacher."))
        case .merged(let into):
            let target = into.map { "TRN \($0)" } ?? "another record"
            return .failure(Problem(.trsNotFound, "TRN \(trn) was merged into \(target) in the Teaching Record System. Submit the row again with \(target)."))
        }
        if record.dateOfBirth == dateOfBirth { return .success(record) }
        switch context.submitter.kind {
        case .appropriateBodies:
            return .failure(Problem(.trsMismatch, "The date of birth does not match the Teaching Record System record for TRN \(trn). Check both the TRN and the date of birth."))
        case .schools, .trusts:
            if let nino, let known = record.nationalInsuranceNumber, nino == known { return .success(record) }
            return .failure(Problem(.trsMismatch, "The date of birth does not match the Teaching Record System record for TRN \(trn). Check the TRN and date of birth; if you are not sure of the date of birth, add the teacher's national insurance number."))
        }
    }
}

extension TRSLookup {
    /// What identifying `row` will ask of TRS, read as the rules read it; `nil` when the
    /// row's TRN or date of birth is missing or malformed (it never reaches TRS).
    public init?(row: RowInput, today: Day) {
        var checks = FormatChecks(row: row, today: today)
        guard let trn = checks.trn(), let dateOfBirth = checks.dateOfBirth() else { return nil }
        self.init(trn: trn, dateOfBirth: dateOfBirth, nationalInsuranceNumber: checks.nationalInsuranceNumber())
    }
}
