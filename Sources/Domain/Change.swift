/// What an accepted row changes. Rules plan it; the store applies it.
public enum Change: Hashable, Sendable {
    /// An AB claims an ECT: open an induction period.
    case openInduction(OpenInduction)
    /// An AB records a release, a pass or a fail: close the open period.
    case closeInduction(CloseInduction)
    /// An AB adds an extension, or changes the terms of one it added before.
    case extend(ExtendInduction)
    /// A school or trust registers an ECT or a mentor at a school.
    case register(Registration)

    public var trn: TRN {
        switch self {
        case .openInduction(let change): change.trn
        case .closeInduction(let change): change.trn
        case .extend(let change): change.trn
        case .register(let change): change.trn
        }
    }
}

/// A registration at a school, as a change to make.
public struct Registration: Hashable, Sendable {
    public let trn: TRN
    public let role: SchoolRole
    public let trsName: TeacherName
    /// The name the school gave, which becomes the name shown from now on.
    public let correctedName: String?
    public let schoolURN: String
    public let start: Day
    /// Lower-cased.
    public let email: String
    public let workingPattern: WorkingPattern?
    public let appropriateBodyID: String?
    public let trainingProgramme: Programme?
    public let leadProviderID: String?
    /// An open ECT registration at another school, closed the day before `start`.
    public let transferFrom: Int64?

    public init(trn: TRN, role: SchoolRole, trsName: TeacherName, correctedName: String?, schoolURN: String, start: Day,
                email: String, workingPattern: WorkingPattern? = nil, appropriateBodyID: String? = nil,
                trainingProgramme: Programme? = nil, leadProviderID: String? = nil, transferFrom: Int64? = nil) {
        self.trn = trn
        self.role = role
        self.trsName = trsName
        self.correctedName = correctedName
        self.schoolURN = schoolURN
        self.start = start
        self.email = email
        self.workingPattern = workingPattern
        self.appropriateBodyID = appropriateBodyID
        self.trainingProgramme = trainingProgramme
        self.leadProviderID = leadProviderID
        self.transferFrom = transferFrom
    }
}

/// The name TRS holds, kept when a teacher first enters the store.
public struct TeacherName: Hashable, Sendable {
    public let first: String
    public let last: String
    public init(first: String, last: String) {
        self.first = first
        self.last = last
    }
}

public struct OpenInduction: Hashable, Sendable {
    public let trn: TRN
    public let trsName: TeacherName
    public let appropriateBodyID: String
    public let start: Day
    public let programme: Programme
    /// The teacher's first induction period: TRS must learn that induction has begun.
    public let notifyTRS: Bool

    public init(trn: TRN, trsName: TeacherName, appropriateBodyID: String, start: Day, programme: Programme,
                notifyTRS: Bool) {
        self.trn = trn
        self.trsName = trsName
        self.appropriateBodyID = appropriateBodyID
        self.start = start
        self.programme = programme
        self.notifyTRS = notifyTRS
    }
}

public struct CloseInduction: Hashable, Sendable {
    public let trn: TRN
    public let periodID: Int64
    public let end: Day
    public let terms: Terms
    /// `.release`, `.pass` or `.fail`.
    public let outcome: Outcome
    public let failConfirmationSentOn: Day?
    /// The start of the teacher's earliest induction period, reported to TRS with a pass or fail.
    public let inductionStart: Day
    /// With a pass or fail: the day the ECT's open registration at their school ends.
    public let finishSchoolRegistrationOn: Day?

    public init(trn: TRN, periodID: Int64, end: Day, terms: Terms, outcome: Outcome, failConfirmationSentOn: Day?,
                inductionStart: Day, finishSchoolRegistrationOn: Day? = nil) {
        self.finishSchoolRegistrationOn = finishSchoolRegistrationOn
        self.trn = trn
        self.periodID = periodID
        self.end = end
        self.terms = terms
        self.outcome = outcome
        self.failConfirmationSentOn = failConfirmationSentOn
        self.inductionStart = inductionStart
    }
}

public struct ExtendInduction: Hashable, Sendable {
    public let trn: TRN
    public let terms: Terms
    /// The extension to update; `nil` adds a new one.
    public let existingID: Int64?

    public init(trn: TRN, terms: Terms, existingID: Int64?) {
        self.trn = trn
        self.terms = terms
        self.existingID = existingID
    }
}

/// Events, as recorded in the audit trail. These name what happened; they are not error codes.
public enum EventName: String, Sendable {
    case inductionOpened = "induction-period.opened"
    case inductionClosed = "induction-period.closed"
    case inductionPassed = "induction-period.passed"
    case inductionFailed = "induction-period.failed"
    case extensionAdded = "extension.added"
    case extensionUpdated = "extension.updated"
    case ectRegistered = "ect.registered"
    case ectTransferred = "ect.transferred"
    case ectFinished = "ect.finished"
    case mentorRegistered = "mentor.registered"
    case nameCorrected = "teacher.name-corrected"
}
