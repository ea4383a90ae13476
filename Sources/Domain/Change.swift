/// What an accepted row changes. Rules plan it; the store applies it.
public enum Change: Hashable, Sendable {
    /// An AB claims an ECT: open an induction period.
    case openInduction(OpenInduction)
    /// An AB records a release, a pass or a fail: close the open period.
    case closeInduction(CloseInduction)
    /// An AB adds an extension, or changes the terms of one it added before.
    case extend(ExtendInduction)

    public var trn: TRN {
        switch self {
        case .openInduction(let change): change.trn
        case .closeInduction(let change): change.trn
        case .extend(let change): change.trn
        }
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

    public init(trn: TRN, periodID: Int64, end: Day, terms: Terms, outcome: Outcome, failConfirmationSentOn: Day?,
                inductionStart: Day) {
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
}
