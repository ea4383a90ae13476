import Domain

/// Where the rules look up a teacher's TRS record.
public protocol TeacherRecordSource {
    /// The record TRS holds under `trn`, `nil` when it holds none. Throws when TRS cannot
    /// be asked (an API that stays unreachable): never the submitter's problem.
    func record(for trn: TRN) throws -> TRSRecord?
}

/// Where the rules read what the store already knows of a teacher's induction.
public protocol InductionState {
    func history(of trn: TRN) throws -> InductionHistory
    /// Whether a teacher other than `trn` has an ECT or mentor registration, current on
    /// `day`, with this (lower-cased) email.
    func isEmailInUse(_ email: String, byOtherThan trn: TRN, on day: Day) throws -> Bool
}

/// Where the rules look up reference data.
public protocol ReferenceLookup {
    func appropriateBody(id: String) -> AppropriateBody?
    /// By exact name, ignoring case.
    func appropriateBody(named name: String) -> AppropriateBody?
    func school(urn: String) -> School?
    /// By id, or by exact name ignoring case.
    func leadProvider(idOrName: String) -> LeadProvider?
}

/// Everything a rule may consult besides the row itself.
public struct RuleContext {
    /// The run's as-of date.
    public let today: Day
    public let submitter: Submitter
    public let trs: any TeacherRecordSource
    public let state: any InductionState
    public let reference: any ReferenceLookup

    public init(today: Day, submitter: Submitter, trs: any TeacherRecordSource, state: any InductionState,
                reference: any ReferenceLookup) {
        self.today = today
        self.submitter = submitter
        self.trs = trs
        self.state = state
        self.reference = reference
    }

    /// An appropriate body's name for messages, falling back to its id.
    func name(ofAppropriateBody id: String) -> String {
        reference.appropriateBody(id: id)?.name ?? id
    }
}

/// The first day of the early career framework.
public let earlyCareerFrameworkStart = Day(year: 2021, month: 9, day: 1)!
