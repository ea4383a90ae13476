import Domain

/// An appropriate body records a release, a pass or a fail (RULES.md §4).
enum ActionRules: OperationRules {
    struct Fields {
        let end: Day
        let terms: Terms
        let outcome: Outcome
        let failConfirmation: Day?
    }

    static func read(_ checks: inout FormatChecks, context: RuleContext) -> Fields? {
        let end = checks.date(.inductionEndDate)
        checks.notFuture(end, .inductionEndDate, "Record the outcome once the induction period has ended.")
        let terms = checks.terms(range: 0...160)
        let outcome = checks.choice(.outcome, allowed: "pass, fail or release") { Outcome(submitted: $0) }
        let confirmation = checks.date(.failConfirmationDate, required: false)
        if outcome == .fail, checks.row[.failConfirmationDate] == nil {
            checks.report(.field(.failConfirmationDate, "missing"), "A fail needs the date the ECT was told in writing. Add a column \"\(Field.failConfirmationDate.header)\" (DfE's actions template does not have one) and enter that date in it as YYYY-MM-DD.")
        }
        if outcome == .fail, let confirmation, let end, confirmation < end || confirmation > checks.today {
            checks.report(.failConfirmationInvalid, "The fail confirmation date \(confirmation.iso) must be on or after the induction period end date (\(end.iso)) and not after today (\(checks.today.iso)). Enter the date the ECT was told in writing.")
        }
        guard let end, let terms, let outcome, checks.problems.isEmpty else { return nil }
        return Fields(end: end, terms: terms, outcome: outcome, failConfirmation: outcome == .fail ? confirmation : nil)
    }

    static func decide(_ fields: Fields, trn: TRN, record: TRSRecord, context: RuleContext) throws -> Verdict {
        let history = try context.state.history(of: trn)
        guard !history.periods.isEmpty else {
            return .rejected(Problem(.notClaimed, "This ECT has not been claimed by an appropriate body. Claim them first (in a claims file), then record the \(fields.outcome.rawValue)."))
        }
        if let problem = history.outcomeBlock { return .rejected(problem) }
        guard let open = history.openPeriod else {
            let ended = history.periods.compactMap(\.end).max().map { " (the last one ended on \($0.iso))" } ?? ""
            return .rejected(Problem(.noOpenPeriod, "This ECT has no open induction period\(ended). Claim them again before recording a \(fields.outcome.rawValue)."))
        }
        guard open.appropriateBodyID == context.submitter.id else {
            return .rejected(Problem(.otherAB, "This ECT's open induction period is with another appropriate body (\(context.name(ofAppropriateBody: open.appropriateBodyID))). Only that appropriate body can record a \(fields.outcome.rawValue)."))
        }
        guard fields.end > open.start else {
            return .rejected(Problem(.endDateBeforeStart, "The induction period end date \(fields.end.iso) is not after the period's start date (\(open.start.iso)). Use a date after \(open.start.iso)."))
        }
        let earliestStart = history.periods.map(\.start).min() ?? open.start
        return Verdict(change: .closeInduction(CloseInduction(
            trn: trn, periodID: open.id, end: fields.end, terms: fields.terms, outcome: fields.outcome,
            failConfirmationSentOn: fields.failConfirmation, inductionStart: earliestStart,
            finishSchoolRegistrationOn: fields.outcome == .release ? nil : context.today)))
    }
}
