import Domain

/// An appropriate body claims an ECT (RULES.md §3).
enum ClaimRules: OperationRules {
    struct Fields {
        let programme: Programme
        let start: Day
    }

    static func read(_ checks: inout FormatChecks, context: RuleContext) -> Fields? {
        let programme = checks.choice(.inductionProgramme, allowed: "provider-led or school-led") {
            Programme(submitted: $0)
        }
        let start = checks.date(.inductionStartDate)
        if let start {
            if start > checks.today {
                checks.report(.startDateFuture, "The induction period start date \(start.iso) is after today (\(checks.today.iso)). Claim the ECT once their induction has started.")
            } else if start < earlyCareerFrameworkStart {
                checks.report(.startDateBeforeRollout, "The induction period start date \(start.iso) is before 1 September 2021, when the early career framework began. Enter a start date on or after 2021-09-01.")
            }
        }
        guard let programme, let start else { return nil }
        return Fields(programme: programme, start: start)
    }

    static func decide(_ fields: Fields, trn: TRN, record: TRSRecord, context: RuleContext) throws -> Verdict {
        if let problem = record.prohibition { return .rejected(problem) }
        let history = try context.state.history(of: trn)
        if record.inductionStatus == .passed || history.outcome == .pass {
            return .rejected(history.outcomeBlock ?? record.inductionBlock(trn: trn)!)
        }
        if record.inductionStatus == .failed || record.inductionStatus == .failedInWales || history.outcome == .fail {
            return .rejected(history.outcomeBlock ?? record.inductionBlock(trn: trn)!)
        }
        if record.inductionStatus == .exempt {
            return .rejected(Problem(.inductionExempt, "The Teaching Record System records that this teacher is exempt from induction, so they cannot be claimed."))
        }
        guard let qts = record.qtsAwardDate else {
            return .rejected(Problem(.qtsMissing, "The Teaching Record System has no QTS award date for this teacher. An ECT can be claimed only once qualified teacher status is awarded: claim them after it is."))
        }
        if fields.start < qts {
            return .rejected(Problem(.startDateBeforeQTS, "The induction period start date \(fields.start.iso) is before the teacher's QTS award date (\(qts.iso)). Use a start date on or after \(qts.iso)."))
        }
        let ownID = context.submitter.id
        if let open = history.openPeriod {
            if open.appropriateBodyID != ownID {
                return .rejected(Problem(.claimedByOtherAB, "This ECT's induction is open with another appropriate body (\(context.name(ofAppropriateBody: open.appropriateBodyID))). They must release the ECT before you can claim them."))
            }
            return .rejected(Problem(.alreadyClaimed, "You have already claimed this ECT: their induction period with you has been open since \(open.start.iso). Nothing needs doing."))
        }
        if let latestEnd = history.periods.compactMap(\.end).max(), fields.start <= latestEnd {
            let earliest = latestEnd.adding(days: 1)
            return .rejected(Problem(.startDateOverlap, "The induction period start date \(fields.start.iso) overlaps an earlier induction period, which ended on \(latestEnd.iso). Use a start date on or after \(earliest.iso)."))
        }
        return Verdict(change: .openInduction(OpenInduction(
            trn: trn, trsName: TeacherName(first: record.firstName, last: record.lastName),
            appropriateBodyID: ownID, start: fields.start, programme: fields.programme,
            notifyTRS: history.periods.isEmpty)))
    }
}
