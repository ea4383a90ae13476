import Domain

/// An appropriate body adds an extension or edits one (RULES.md §5).
enum ExtensionRules: OperationRules {
    struct Fields {
        let terms: Terms
        let extensionID: Int64?
    }

    static func read(_ checks: inout FormatChecks, context: RuleContext) -> Fields? {
        let terms = checks.terms(range: 1...160)
        var extensionID: Int64?
        if let text = checks.row[.extensionID] {
            extensionID = Int64(text).flatMap { $0 > 0 ? $0 : nil }
            if extensionID == nil {
                checks.report(.extensionIDFormat, "The extension ID \"\(text.prefix(40))\" is not a number. Copy it from an earlier result file, or leave it empty to add a new extension.")
            }
        }
        guard let terms, checks.problems.isEmpty else { return nil }
        return Fields(terms: terms, extensionID: extensionID)
    }

    static func decide(_ fields: Fields, trn: TRN, record: TRSRecord, context: RuleContext) throws -> Verdict {
        let history = try context.state.history(of: trn)
        guard !history.periods.isEmpty else {
            return .rejected(Problem(.notClaimed, "This ECT has not been claimed by an appropriate body. Claim them first (in a claims file), then add the extension."))
        }
        guard let open = history.openPeriod else {
            return .rejected(Problem(.noOpenPeriod, "This ECT has no open induction period, so their induction cannot be extended."))
        }
        guard open.appropriateBodyID == context.submitter.id else {
            return .rejected(Problem(.otherAB, "This ECT's open induction period is with another appropriate body (\(context.name(ofAppropriateBody: open.appropriateBodyID))). Only that appropriate body can extend it."))
        }
        if let id = fields.extensionID, !history.extensions.contains(where: { $0.id == id }) {
            return .rejected(Problem(.extensionIDUnknown, "Extension ID \(id) is not an extension of this teacher. Use the ID from an earlier result file for this teacher, or leave it empty to add a new extension."))
        }
        return Verdict(change: .extend(ExtendInduction(trn: trn, terms: fields.terms, existingID: fields.extensionID)))
    }
}
